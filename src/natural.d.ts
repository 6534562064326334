// natural is imported by file: its index pulls in database clients and dotenv.
declare module 'natural/lib/natural/stemmers/porter_stemmer.js' {
  const PorterStemmer: { stem(token: string): string }
  export default PorterStemmer
}
declare module 'natural/lib/natural/stemmers/porter_stemmer_ru.js' {
  const PorterStemmerRu: { stem(token: string): string }
  export default PorterStemmerRu
}
