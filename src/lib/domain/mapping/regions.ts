/**
 * The default country → sales region table for exports that record a country (Stripe's
 * `Card Address Country`, an ISO 3166-1 alpha-2 code) where OpsIQ's contract has a region.
 * Editable per mapping; a country not in the table keeps its code as the region, and the
 * mapping preview says which codes those were.
 */
export const regionNames = ['NA', 'LATAM', 'EMEA', 'APAC'] as const;
export type RegionName = (typeof regionNames)[number];

const byRegion: Record<RegionName, string> = {
  NA: 'US CA PR VI GU AS MP UM BM PM GL',
  LATAM:
    'MX GT BZ SV HN NI CR PA CU DO HT JM TT BS BB AG DM GD KN LC VC AR BO BR CL CO EC GY PY PE SR UY VE AW CW SX BQ KY TC VG AI MS GP MQ GF BL MF FK',
  EMEA:
    'GB IE FR DE NL BE LU CH AT IT ES PT DK NO SE FI IS PL CZ SK HU SI HR BA RS ME MK AL GR CY MT BG RO MD UA BY LT LV EE RU GE AM AZ TR AD MC SM VA LI GI FO IM JE GG AX SJ XK ' +
    'AE SA QA KW BH OM YE IQ IR SY LB JO IL PS ' +
    'EG LY TN DZ MA EH MR ML NE TD SD SS ER ET DJ SO KE UG TZ RW BI CD CG GA GQ CM CF NG BJ TG GH CI LR SL GN GW SN GM CV BF AO ZM ZW MW MZ NA BW ZA LS SZ MG MU SC KM RE YT SH ST',
  APAC: 'AU NZ JP KR KP CN HK MO TW MN SG MY ID PH TH VN KH LA MM BN TL IN PK BD LK NP BT MV AF FJ PG SB VU NC PF WS TO KI TV NR FM MH PW CK NU TK WF NF CX CC IO KZ UZ TM KG TJ'
};

/** Country code (upper case) → region. */
export function defaultRegionTable(): Record<string, string> {
  const table: Record<string, string> = {};
  for (const region of regionNames)
    for (const code of byRegion[region].split(' ')) table[code] = region;
  return table;
}

/**
 * True when the values are region names already (a spreadsheet's `region` column), not
 * countries. `NA` is both a region and Namibia's code: a column of only region names is regions.
 */
export function looksLikeRegions(values: readonly string[]): boolean {
  const known = new Set<string>(regionNames);
  const present = values.map((v) => v.trim().toUpperCase()).filter(Boolean);
  return present.length > 0 && present.every((v) => known.has(v));
}
