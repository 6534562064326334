-- The inbox's `answered` filter reads sent replies, so a reply moves the
-- workspace's inbox generation like any other change a page is built from
-- (sql/014): a kept "not answered yet" page is never served past a reply.
CREATE CONSTRAINT TRIGGER mention_replies_inbox AFTER INSERT OR UPDATE OR DELETE ON mention_replies
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION earshot_bump_inbox();
