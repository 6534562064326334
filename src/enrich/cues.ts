// Hand-written cue words per language: negators, intensifiers, contrast
// markers, emoji/emoticon valence, and a small seed lexicon for the languages
// natural ships no vocabulary for (ru, no, zh) plus everyday review words.

const words = (s: string) => new Set(s.split(/\s+/).filter(Boolean))

/** Words that flip the polarity of what follows (until punctuation or a few words). */
export const NEGATORS = words(`
  not no never neither nor nothing nobody none cannot can't don't doesn't didn't isn't aren't wasn't weren't won't wouldn't shouldn't couldn't haven't hasn't hadn't ain't dont doesnt didnt isnt wasnt cant wont without
  no nunca jamás jamas tampoco nada nadie ni sin
  nicht kein keine keinen keinem keiner nie niemals nichts ohne weder
  ne pas jamais rien aucun aucune personne sans n'est n'a n'ai ni
  non mai niente nessuno nessuna senza né
  não nao nunca nem nada ninguém sem
  niet geen nooit niets zonder noch
  не нет ни никогда ничего никто без нельзя
  ikke ikkje aldri ingen intet ingenting uten verken
  δεν μην μη όχι ουτε ούτε ποτέ τίποτα τίποτε κανένας κανένα κανέναν κανείς καμία καμιά χωρίς ουδέποτε οχι ποτε τιποτα κανενας κανενα κανεις καμια χωρις
  不 没 沒 没有 沒有 别 別 无 無 未 非 不是 不会 不能 不太
`)

/** Multiplies the valence of the next sentiment word. */
export const INTENSIFIERS = new Map<string, number>([
  ...[...words('very really so too extremely super totally absolutely incredibly truly highly completely utterly most')].map((w) => [w, 1.5] as [string, number]),
  ...[...words('muy muchísimo mucho tan súper demasiado totalmente sehr total echt extrem voll ganz absolut très trop vraiment tellement super hyper molto troppo davvero veramente tanto proprio muito demais bastante super zeer heel erg echt очень так слишком реально совсем абсолютно крайне veldig svært kjempe utrolig helt altfor πολύ πολυ πάρα τόσο τοσο εντελώς απίστευτα τρομερά πραγματικά ιδιαίτερα υπερβολικά 很 非常 太 特别 特別 超 极 極 十分 真 最 挺')].map((w) => [w, 1.5] as [string, number]),
  ...[...words('slightly somewhat bit little kinda sorta fairly rather quite un_peu poco etwas ziemlich peu abbastanza pouco beetje немного слегка litt λίγο λιγο αρκετά 有点 有點 稍')].map((w) => [w, 0.6] as [string, number]),
])

/** Contrast: what comes after matters more than what came before. */
export const CONTRAST = words('but however although though yet pero aunque sin_embargo aber jedoch doch trotzdem mais cependant pourtant ma però tuttavia mas porém contudo maar echter но однако зато men likevel αλλά αλλα όμως ομως ωστόσο ωστοσο 但 但是 可是 不过 不過 然而 却 卻')

const EMOJI_POS = '😀 😃 😄 😁 😆 😊 😇 🙂 😉 😍 🥰 😘 😗 😙 😚 😋 😎 🤩 🥳 🤗 👍 👌 👏 🙌 💪 ❤ 🧡 💛 💚 💙 💜 🖤 🤍 💕 💖 💗 💓 💞 💝 ♥ 😻 🎉 🎊 ✨ 🔥 💯 ⭐ 🌟 🏆 ✅ 🙏 😂 🤣 😹 💐 🌹 👑 🆒 🤘 ✌ 🤙 😌 😛 😜 😝'
const EMOJI_NEG = '😞 😔 😟 😕 🙁 ☹ 😣 😖 😫 😩 🥺 😢 😭 😤 😠 😡 🤬 🤯 😱 😨 😰 😥 😓 🤢 🤮 💩 👎 💔 😒 🙄 😑 😐 😬 🤦 🤷 😪 😴 ❌ ⚠ 🚫 🛑 😷 🤒 💀 ☠ 😿 🖕'
const EMOTICON_POS = ':) :)) :))) :] :d :p ;) ;)) ;d ;p =) =] =d 8) <3 <33 <333 ^^ ^_^ ^.^ xd xdd xddd :* :3'
const EMOTICON_NEG = ':( :(( :((( :[ ;( =( ): )): :/ :\\ :| :@ t_t -_- :o'

/** Valence of emoji and emoticons, in [-1, 1]. */
export const SYMBOL_VALENCE = new Map<string, number>([
  ...EMOJI_POS.split(' ').map((e) => [e, 0.7] as [string, number]),
  ...EMOJI_NEG.split(' ').map((e) => [e, -0.7] as [string, number]),
  ...EMOTICON_POS.split(' ').map((e) => [e, 0.6] as [string, number]),
  ...EMOTICON_NEG.split(' ').map((e) => [e, -0.6] as [string, number]),
])

/** Seed valence words; natural has nothing for ru, no, zh, and product words are thin everywhere. */
export const SEED_LEXICON: Record<string, Record<string, number>> = {
  ru: Object.fromEntries([
    ...'хорошо хороший хорошая хорошее отлично отличный отличная прекрасно прекрасный супер класс классно круто крутой люблю нравится понравилось рад рада счастлив счастлива спасибо благодарю лучший лучшая удобно удобный красиво красивый молодец восторг ура замечательно чудесно приятно доволен довольна рекомендую'.split(' ').map((w) => [w, 0.7]),
    ...'плохо плохой плохая ужасно ужасный ужас отвратительно кошмар ненавижу бесит грустно грустный жаль обидно больно злой зло хуже худший глючит глюк ошибка сломался сломалось проблема разочарован разочарована отстой фу тупой бред скучно устал устала страшно беда мерзко'.split(' ').map((w) => [w, -0.7]),
  ]),
  no: Object.fromEntries([
    ...'bra god godt gode flott flotte fin fint fine utmerket glimrende fantastisk fantastiske herlig herlige nydelig nydelige perfekt elsker liker anbefale anbefales imponerende sterk sterke morsom morsomt vakker vakre best beste super takk solid fornøyd glad gøy lekker lekre rask raske'.split(' ').map((w) => [w, 0.7]),
    ...'dårlig dårlige elendig elendige kjedelig kjedelige svak svake skuffende skuffet irriterende forferdelig forferdelige verst verre problem problemer feil treg tregt trege dyr dyrt stygg stygt hater trist sint vondt rot kaos middelmådig slitsom ødelagt'.split(' ').map((w) => [w, -0.7]),
  ]),
  zh: Object.fromEntries([
    ...'好 很好 不错 满意 滿意 喜欢 喜歡 推荐 推薦 棒 赞 讚 优秀 優秀 完美 舒适 舒適 干净 乾淨 方便 好吃 美味 快 热情 熱情 周到 实惠 實惠 值得 开心 開心 感谢 感謝 漂亮 新鲜 新鮮 准时 準時 划算 热 熱乎'.split(' ').map((w) => [w, 0.7]),
    ...'差 很差 太差 失望 难吃 難吃 慢 脏 髒 贵 貴 糟糕 垃圾 恶心 噁心 投诉 投訴 退款 凉 涼 冷 难 難 烂 爛 坑 吵 旧 舊 破 异味 異味 态度差 后悔 後悔 生气 生氣 不好 问题 問題 错 錯 少 咸 鹹 淡 油腻 油膩'.split(' ').map((w) => [w, -0.7]),
  ]),
  el: Object.fromEntries([
    ...'καλό καλή καλός καλά τέλειο τέλεια υπέροχο υπέροχη εξαιρετικό εξαιρετική φανταστικό ωραίο ωραία ωραίος ευχαριστώ μπράβο αγαπώ λατρεύω συστήνω άψογο άψογη γρήγορο γρήγορη ευχάριστο χαρούμενος χαρά φιλικό φιλικοί καθαρό άνετο εύκολο όμορφος όμορφη καλύτερος καλύτερη ευγενικός ευγενής εξυπηρετικός βοηθητικός επαγγελματίας νόστιμος πεντανόστιμος απολαυστικός αξιόπιστος ικανοποιημένος ευχαριστημένος ενθουσιασμένος συγχαρητήρια προτείνω συνιστώ εύχρηστος καταπληκτικός εκπληκτικός εντυπωσιακός απίθανος θαυμάσιος ιδανικός αγαπημένος πανέμορφος τέλειος άψογος αξίζει χαίρομαι φιλόξενος προσεγμένος σωστός'.split(' ').map((w) => [w, 0.7]),
    // "Works" leans positive so that its negation ("δεν λειτουργεί", the commonest complaint) reads negative.
    ...'λειτουργεί λειτουργούν δουλεύει δουλεύουν'.split(' ').map((w) => [w, 0.4]),
    ...'κακό κακή κακός χάλια απαίσιο απαίσια άθλιο άθλια απογοήτευση απογοητευτικό απογοητευμένος χειρότερο πρόβλημα προβλήματα λάθος αργό αργή ακριβό βρώμικο μισώ απαράδεκτο απαράδεκτη αγενής αγενείς σκουπίδι ντροπή θυμωμένος εκνευριστικό δυστυχώς άχρηστος σφάλμα σφάλματα κολλάει κολλάνε αργός αργεί ταλαιπωρία απάτη απατεώνες κλέφτες αηδία αηδιαστικός βαρετός άνοστος βρώμικος σπασμένος χαλασμένος χάλασε αδιαφορία αγένεια καθυστέρηση καθυστερεί παράπονο αντιεπαγγελματικός μπερδεμένος δύσχρηστος σπατάλη αίσχος τραγικός θλιβερός στενάχωρος κρίμα αποτυχία αποτυγχάνει ανεπαρκής εφιάλτης φρίκη σπάει έσπασε χαλάει'.split(' ').map((w) => [w, -0.7]),
  ]),
  en: { love: 0.8, awesome: 0.8, great: 0.7, excellent: 0.8, useless: -0.8, crash: -0.6, crashes: -0.6, crashing: -0.6, broken: -0.6, bug: -0.4, buggy: -0.6, laggy: -0.6, slow: -0.4, worst: -0.9, terrible: -0.8, scam: -0.9, refund: -0.4, uninstall: -0.6, uninstalled: -0.6, disappointed: -0.7, frustrating: -0.7, annoying: -0.6 },
}
