// A named import lets bundlers keep only this field of package.json.
import { version } from '../package.json'

export const VERSION: string = version
