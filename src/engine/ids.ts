import { randomBytes } from '../lib/random-bytes.ts';

// 64 hex digits, as docker's container ids; shown shortened to 12.
export function newContainerId(): string {
  return randomBytes(32).toString('hex');
}

export function shortId(id: string): string {
  return id.slice(0, 12);
}

// docker-style names ("adjective_scientist"); our own word lists.
const ADJECTIVES = [
  'agile', 'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'cosmic', 'crisp', 'daring', 'eager', 'fancy',
  'fierce', 'gentle', 'glad', 'happy', 'hardy', 'honest', 'jolly', 'keen', 'kind', 'lively', 'lucid', 'merry',
  'mighty', 'modest', 'nimble', 'noble', 'patient', 'placid', 'proud', 'quick', 'quiet', 'rapid', 'serene', 'sharp',
  'shy', 'silent', 'sleepy', 'smooth', 'solid', 'steady', 'stoic', 'sunny', 'swift', 'tender', 'tidy', 'upbeat',
  'vivid', 'warm', 'wise', 'witty', 'zealous',
];
const NAMES = [
  'agnesi', 'banach', 'bohr', 'cantor', 'curie', 'darwin', 'dirac', 'euler', 'faraday', 'fermat', 'feynman',
  'franklin', 'galois', 'gauss', 'germain', 'hamilton', 'hilbert', 'hopper', 'hypatia', 'jackson', 'johnson',
  'kepler', 'knuth', 'kovalevskaya', 'lamarr', 'laplace', 'leakey', 'liskov', 'lovelace', 'maxwell', 'meitner',
  'mirzakhani', 'newton', 'noether', 'pascal', 'payne', 'poincare', 'ramanujan', 'ritchie', 'sammet', 'shannon',
  'somerville', 'tesla', 'thompson', 'torvalds', 'turing', 'volta', 'wiles', 'wing', 'wright', 'yalow',
];

export function randomName(): string {
  const b = randomBytes(2);
  return `${ADJECTIVES[b[0]! % ADJECTIVES.length]}_${NAMES[b[1]! % NAMES.length]}`;
}

// docker's rule for names: [a-zA-Z0-9][a-zA-Z0-9_.-]+
export const VALID_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
