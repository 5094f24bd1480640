/** Turning DuckDB-wasm's Arrow results into plain values, shared by the blocking and the worker engine. */
import { normalizeValue, type Row, type Value } from "./types.ts";

/** The part of an Arrow table the conversion reads (structural, so no second apache-arrow copy is imported). */
export interface ArrowTableLike {
  numRows: number;
  schema: { fields: { name: string; type: { typeId: number; unit?: number; precision?: number } }[] };
  getChildAt(i: number): { get(i: number): unknown; nullCount?: number; toArray?(): unknown } | null;
}

// apache-arrow Type ids: Int = 2, Float = 3, Date = 8, Timestamp = 10, Decimal = 7.
const INT = 2;
const FLOAT = 3;
const DATE = 8;
const TIMESTAMP = 10;

/**
 * A numeric column without nulls, read from its typed array at once instead of value by value
 * (the same numbers: 64-bit integers through `Number`, as {@link normalizeValue} does); undefined
 * for any other column.
 */
function numbersOf(
  type: { typeId: number; precision?: number },
  vector: NonNullable<ReturnType<ArrowTableLike["getChildAt"]>>,
  numRows: number,
): Value[] | undefined {
  // A half-precision float's typed array holds its bits, not its values (precision 0 = HALF).
  const numeric = type.typeId === INT || (type.typeId === FLOAT && type.precision !== 0);
  if (!numeric || vector.nullCount !== 0 || !vector.toArray) return undefined;
  const array = vector.toArray();
  if (!ArrayBuffer.isView(array) || (array as unknown as ArrayLike<unknown>).length !== numRows) return undefined;
  if (array instanceof BigInt64Array || array instanceof BigUint64Array) return Array.from(array, Number);
  return Array.from(array as unknown as ArrayLike<number>);
}

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
    const numbers = numbersOf(f.type, vector, table.numRows);
    if (numbers) return numbers;
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
