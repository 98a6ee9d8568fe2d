/** Synthetic city generator: deterministic by seed, streaming for big cities, in memory for small ones. */
export { DEFAULT_NOW, DEFAULT_SEED, DEFAULT_YEARS, generateCity, iterateCity, resolveCityOptions, toMeeting, toOrg } from './city.js';
export type { City, CityStream, ResolvedCityOptions } from './city.js';
export { countByLevel, expectedFindings, expectedMemberFindings } from './expected.js';
export { MEETING_KEYS, ORG_KEYS, writeCityFiles } from './write.js';
export type { CityFilesInfo, WriteCityOptions } from './write.js';
export { mulberry32, rngFor, type Rng } from './prng.js';
export type * from './types.js';
