-- Display rules gain the pages a survey shows on (and never on); surveys made
-- before have none of either, which means every page.
UPDATE surveys SET settings = jsonb_set(settings, '{display}',
  '{"pages": [], "excludePages": []}'::jsonb || (settings -> 'display'));
