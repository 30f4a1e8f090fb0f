/**
 * Licence catalogue of the Openverse API v1 (reference §6): slugs, `license_type`
 * groups, canonical deed URLs and display names. One home for every licence rule.
 */

export const LICENSE_SLUGS = ['by', 'by-sa', 'by-nd', 'by-nc', 'by-nc-sa', 'by-nc-nd', 'cc0', 'pdm', 'sampling+', 'nc-sampling+'] as const;

export type LicenseSlug = (typeof LICENSE_SLUGS)[number];

export const LICENSE_TYPES = ['all', 'all-cc', 'commercial', 'modification'] as const;
export type LicenseType = (typeof LICENSE_TYPES)[number];

export function isLicenseSlug(value: string): value is LicenseSlug {
  return (LICENSE_SLUGS as readonly string[]).includes(value);
}

/** Members of each `license_type` group (§6.2): commercial = no `nc`, modification = no `nd`. */
export const LICENSE_GROUPS: Record<LicenseType, readonly LicenseSlug[]> = {
  all: LICENSE_SLUGS,
  'all-cc': LICENSE_SLUGS.filter((s) => s !== 'pdm'),
  commercial: LICENSE_SLUGS.filter((s) => !s.includes('nc')),
  modification: LICENSE_SLUGS.filter((s) => !s.includes('nd')),
};

/** Several groups are intersected (§6.2), keeping the catalogue order. */
export function licensesForTypes(types: readonly LicenseType[]): LicenseSlug[] {
  return LICENSE_SLUGS.filter((slug) => types.every((t) => LICENSE_GROUPS[t].includes(slug)));
}

export function isPublicDomain(slug: string): boolean {
  return slug === 'cc0' || slug === 'pdm';
}

/**
 * The licence's canonical Creative Commons deed URL, as providers record it in
 * `meta_data.license_url`: cc0, pdm and the sampling licences exist only as 1.0; the
 * others take `version` (4.0 when unknown).
 */
export function licenseDeedUrl(slug: string, version: string | null | undefined): string {
  switch (slug) {
    case 'cc0':
      return 'https://creativecommons.org/publicdomain/zero/1.0/';
    case 'pdm':
      return 'https://creativecommons.org/publicdomain/mark/1.0/';
    case 'sampling+':
    case 'nc-sampling+':
      return `https://creativecommons.org/licenses/${slug}/1.0/`;
    default:
      return `https://creativecommons.org/licenses/${slug}/${version || '4.0'}/`;
  }
}

/**
 * Deed URL built from slug and version when the record has no `license_url` of its own
 * (§6.3): the canonical deed, except PDM's double trailing slash, which is deliberate
 * (the API has always served it and clients compare these strings).
 */
export function buildLicenseUrl(slug: string, version: string | null | undefined): string {
  const deed = licenseDeedUrl(slug, version);
  return slug === 'pdm' ? `${deed}/` : deed;
}

/** Human name used in attribution text (§6.4 step 3). */
export function licenseDisplayName(slug: string, version: string | null | undefined): string {
  let name = slug === 'pdm' ? 'Public Domain Mark' : slug.toUpperCase().replace('SAMPLING', 'Sampling');
  if (version) name += ` ${version}`;
  return isPublicDomain(slug) ? name : `CC ${name}`;
}

/**
 * Normalises a licence as written by upstream providers (`CC0`, `PDM`, `BY-NC`,
 * `publicdomain`…) to a slug, or null when it is not one we can serve.
 */
export function normalizeLicense(raw: string | null | undefined): LicenseSlug | null {
  if (!raw) return null;
  const value = raw.trim().toLowerCase().replace(/_/g, '-');
  if (isLicenseSlug(value)) return value;
  if (value === 'publicdomain' || value === 'public-domain' || value === 'mark') return 'pdm';
  if (value === 'zero') return 'cc0';
  return null;
}
