// stopword ships no types; these are the lists earshot reads (ISO 639-3 names).
declare module 'stopword' {
  export const deu: string[], ell: string[], eng: string[], fra: string[], ita: string[], nld: string[], nob: string[], por: string[], rus: string[], spa: string[], zho: string[]
}
