import type { Catalog, FieldDef, RequestTypeDef } from './types.js';

export interface CatalogCustomisation {
  overrides: Record<string, Partial<Omit<RequestTypeDef, 'fields'>> & { fields?: Array<Partial<FieldDef> & { id: string }>; removeFields?: string[] }>;
  add: RequestTypeDef[];
  disable: string[];
}

/** Applies an org config's catalog section to the shipped catalog. Unknown ids are reported by the config check. */
export function mergeCatalog(base: Catalog, custom: CatalogCustomisation): RequestTypeDef[] {
  const merged = base
    .filter((t) => !custom.disable.includes(t.id))
    .map((type) => {
      const override = custom.overrides[type.id];
      if (!override) return type;
      const { fields: fieldPatches, removeFields, ...rest } = override;
      let fields = type.fields.filter((f) => !removeFields?.includes(f.id));
      for (const patch of fieldPatches ?? []) {
        const i = fields.findIndex((f) => f.id === patch.id);
        if (i >= 0) fields = fields.map((f, j) => (j === i ? ({ ...f, ...patch } as FieldDef) : f));
        else fields = [...fields, patch as FieldDef];
      }
      return { ...type, ...rest, id: type.id, fields } as RequestTypeDef;
    });
  return [...merged, ...custom.add];
}
