/**
 * Company names. Region-flavoured legal suffixes make the data read like a real book; a few names
 * carry commas, quotes and non-ASCII letters so that CSV quoting and UTF-8 get exercised.
 */
import type { Region } from './catalog';
import type { Rng } from './prng';

const STEMS = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Cyberdyne',
  'Soylent',
  'Tyrell',
  'Wonka',
  'Hooli',
  'Vandelay',
  'Pied Piper',
  'Aperture',
  'Black Mesa',
  'Nakatomi',
  'Oscorp',
  'Massive Dynamic',
  'Blue Sun',
  'Monarch',
  'Dunder Mifflin',
  'Sterling Cooper',
  'Bluth',
  'Prestige Worldwide',
  'Gringotts',
  'Nordlicht',
  'Sakura',
  'Koala',
  'Andes',
  'Pampas',
  'Jaguar',
  'Fjord',
  'Baobab',
  'Kestrel',
  'Halcyon',
  'Lumen',
  'Quantica',
  'Brightline',
  'Northwind',
  'Contoso',
  'Fabrikam',
  'Tailspin',
  'Wingtip',
  'Litware',
  'Adatum',
  'Proseware',
  'Woodgrove',
  'Tidewater',
  'Ironbark',
  'Silverpine',
  'Redwood',
  'Bluebird',
  'Copperleaf',
  'Granite',
  'Meridian',
  'Orbital',
  'Parallax',
  'Vertex',
  'Zephyr',
  'Cobalt',
  'Ember',
  'Harbor',
  'Juniper',
  'Lattice',
  'Mosaic',
  'Nimbus',
  'Onyx',
  'Pinnacle',
  'Quarry',
  'Riverbend',
  'Summit',
  'Tundra',
  'Umber',
  'Vantage',
  'Willow',
  'Yarrow',
  'Zenith',
  'Atlas',
  'Beacon',
  'Cascade',
  'Delta'
] as const;
const SECTORS = [
  '',
  '',
  '',
  ' Analytics',
  ' Logistics',
  ' Health',
  ' Foods',
  ' Robotics',
  ' Media',
  ' Energy',
  ' Labs',
  ' Systems',
  ' Software',
  ' Retail',
  ' Capital'
] as const;
const SUFFIXES: Readonly<Record<Region, readonly string[]>> = {
  NA: ['Inc', 'Corp', 'LLC', 'Co', 'Group'],
  EMEA: ['Ltd', 'GmbH', 'SA', 'BV', 'AB', 'plc', 'SAS'],
  APAC: ['Pte Ltd', 'Pty Ltd', 'KK', 'Ltd', 'Co Ltd'],
  LATAM: ['SA de CV', 'Ltda', 'SRL', 'SA', 'SpA']
};
/** Names that need quoting or are not ASCII, picked now and then. */
const ODD_NAMES: Readonly<Record<Region, readonly string[]>> = {
  NA: ['Smith, Barney & Co', 'The "Big Kahuna" Burger Co', 'Ace, Inc'],
  EMEA: [
    'Müller & Söhne GmbH',
    'Ørsted Digital A/S',
    'Société Générale des Données',
    'Łódź Software, Sp. z o.o.'
  ],
  APAC: ['Tōkyō Data KK', 'Sørensen, Lim & Partners Pte Ltd'],
  LATAM: ['São Paulo Tecnologia Ltda', 'Año Nuevo, SA de CV', 'Peña "La Estrella" SRL']
};

export function companyName(rng: Rng, region: Region): string {
  if (rng.chance(0.03)) return rng.pick(ODD_NAMES[region]);
  return `${rng.pick(STEMS)}${rng.pick(SECTORS)} ${rng.pick(SUFFIXES[region])}`;
}
