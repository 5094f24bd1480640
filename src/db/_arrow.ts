/** Turning DuckDB-wasm's Arrow results into plain values, shared by the blocking and the worker engine. */
import { normalizeValue, type Row, type Value } from "./types.ts";

/** The part of an Arrow table the conversion reads (structural, so no second apache-arrow copy is imported). */
export interface ArrowTableLike {
  numRows: number;
  schema: { fields: { name: string; type: { typeId: number; unit?: number } }[] };
  getChildAt(i: number): { get(i: number): unknown } | null;
}

// apache-arrow Type ids: Date = 8, Timestamp = 10, Decimal = 7.
const DATE = 8;
const TIMESTAMP = 10;

function converter(typeId: number): (v: unknown) => Value {
  if (typeId === DATE || typeId === TIMESTAMP) {
    return (v) => {
      if (v === null || v === undefined) return null;
      const ms = typeof v === "bigint" ? Number(v) : v instanceof Date ? v.getTime() : Number(v);
      return new Date(ms).toISOString().slice(0, typeId === DATE ? 10 : 19);
    };
  }
  return normalizeValue;
}

/** Every column of an Arrow table as an array of plain values. */
export function arrowColumns(table: ArrowTableLike): { names: string[]; columns: Value[][] } {
  const names = table.schema.fields.map((f) => f.name);
  const columns = table.schema.fields.map((f, i) => {
    const vector = table.getChildAt(i)!;
    const convert = converter(f.type.typeId);
    const out = new Array<Value>(table.numRows);
    for (let r = 0; r < table.numRows; r++) out[r] = convert(vector.get(r));
    return out;
  });
  return { names, columns };
}

/** An Arrow table as row objects. */
export function arrowRows(table: ArrowTableLike): Row[] {
  const { names, columns } = arrowColumns(table);
  const rows: Row[] = new Array(table.numRows);
  for (let r = 0; r < table.numRows; r++) {
    const row: Row = {};
    for (let c = 0; c < names.length; c++) row[names[c]] = columns[c][r];
    rows[r] = row;
  }
  return rows;
}

/** Statements every wasm database runs first: extension autoloading hangs offline (toolchain.md). */
export const WASM_SETUP_SQL = [
  "SET autoinstall_known_extensions=false",
  "SET autoload_known_extensions=false",
];
