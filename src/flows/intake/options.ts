/**
 * The answer options of the intake, by id. Ids are short and stable: they travel in Telegram
 * callback data and are stored in reports; labels live in locales/<lng>/intake.json.
 */

/** Who reports: the offices of CONTENT-FACTS.md "Who the users are", and candidates for them. */
export const ROLES = [
  'mayorFull',
  'mayorHonorary',
  'deputy',
  'districtHead',
  'council',
  'localCouncil',
  'localHead',
  'candidate',
  'staff',
  'other',
  'noSay',
] as const;

/** What happened; the categories of the federal KoMo monitoring and the online reporting forms. */
export const KINDS = [
  'insult',
  'threat',
  'hateOnline',
  'doxxing',
  'impersonation',
  'sexualHarassment',
  'stalking',
  'coercion',
  'property',
  'physical',
  'other',
] as const;

export const CHANNELS = [
  'online',
  'inPerson',
  'letter',
  'phone',
  'email',
  'home',
  'other',
] as const;

export const PLATFORMS = [
  'facebook',
  'instagram',
  'x',
  'bluesky',
  'tiktok',
  'youtube',
  'telegram',
  'whatsapp',
  'nebenan',
  'googleReviews',
  'website',
  'other',
] as const;

/** The sixteen Länder, by their ISO 3166-2:DE codes. */
export const STATES = [
  'BW',
  'BY',
  'BE',
  'BB',
  'HB',
  'HH',
  'HE',
  'MV',
  'NI',
  'NW',
  'RP',
  'SL',
  'SN',
  'ST',
  'SH',
  'TH',
] as const;

/** Länder with a sourced 24/7 police contact point for officeholders (CONTENT-FACTS.md). */
export const STATE_HOTLINES: Partial<Record<State, true>> = { BW: true, RP: true };

export const PERPETRATORS = ['known', 'unknown', 'several', 'noSay'] as const;
export const POLICE = ['yes', 'no', 'planned'] as const;
/** Asked after a police report: whether a Strafantrag was made expressly (a report is not one). */
export const STRAFANTRAG = ['yes', 'no', 'unsure'] as const;
export const YES_NO = ['yes', 'no'] as const;
/** Help wanted; `counselling` and `legal` are referrals to other services, and their labels say so. */
export const HELP = [
  'callBack',
  'complaint',
  'addressBlock',
  'counselling',
  'legal',
  'platform',
  'record',
] as const;
export const CONTACTS = ['chat', 'phone', 'email', 'none'] as const;

export type Role = (typeof ROLES)[number];
export type Kind = (typeof KINDS)[number];
export type Channel = (typeof CHANNELS)[number];
export type Platform = (typeof PLATFORMS)[number];
export type State = (typeof STATES)[number];
export type Contact = (typeof CONTACTS)[number];

/** Short forms people type for the Länder (folded: lower case, no accents), beyond the full names. */
export const STATE_ALIASES: Readonly<Record<string, State>> = {
  bw: 'BW',
  bawu: 'BW',
  'ba wu': 'BW',
  by: 'BY',
  bayern: 'BY',
  bavaria: 'BY',
  be: 'BE',
  berlin: 'BE',
  bb: 'BB',
  hb: 'HB',
  bremen: 'HB',
  hh: 'HH',
  hamburg: 'HH',
  he: 'HE',
  hessen: 'HE',
  hesse: 'HE',
  mv: 'MV',
  'meck pomm': 'MV',
  ni: 'NI',
  nds: 'NI',
  niedersachsen: 'NI',
  'lower saxony': 'NI',
  nw: 'NW',
  nrw: 'NW',
  'north rhine westphalia': 'NW',
  rp: 'RP',
  rlp: 'RP',
  sl: 'SL',
  saarland: 'SL',
  sn: 'SN',
  sachsen: 'SN',
  saxony: 'SN',
  st: 'ST',
  lsa: 'ST',
  'sachsen anhalt': 'ST',
  'saxony anhalt': 'ST',
  sh: 'SH',
  th: 'TH',
  thuringen: 'TH',
  thuringia: 'TH',
};
