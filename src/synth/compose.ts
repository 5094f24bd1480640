/**
 * Household composition: who lives in a household of each template (single elderly, nuclear,
 * three generations, skipped generation, …), with ages and sexes.
 */
import type { Params, Template } from "./params.ts";
import type { Rng } from "../base/random.ts";
import type { Member } from "./types.ts";

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** One person of a household before the member row is drawn. */
export interface Person {
  relation: Member["relation"];
  age: number;
  sex: Member["sex"];
}

function elderAge(rng: Rng): number {
  return Math.min(98, 60 + Math.floor(rng.lognormal(12, 0.6)));
}

function children(rng: Rng, p: Params, parentAge: number, count?: number): Person[] {
  const n = count ?? 1 + rng.weighted(p.childrenCount);
  const out: Person[] = [];
  for (let i = 0; i < n; i++) {
    const age = clamp(parentAge - rng.int(21, 38), 0, 24);
    out.push({ relation: "child", age, sex: rng.chance(0.53) ? "male" : "female" });
  }
  return out.sort((a, b) => b.age - a.age);
}

/** The people of a household of the given composition (relation, age, sex). */
export function compose(rng: Rng, p: Params, template: Template): Person[] {
  const sex = (pMale: number): Member["sex"] => (rng.chance(pMale) ? "male" : "female");
  switch (template) {
    case "single_elderly":
      return [{ relation: "head", age: elderAge(rng), sex: sex(0.45) }];
    case "single_adult":
      return [{ relation: "head", age: rng.int(22, 59), sex: sex(0.68) }];
    case "elderly_couple": {
      const age = elderAge(rng);
      return [
        { relation: "head", age, sex: "male" },
        { relation: "spouse", age: clamp(age + rng.int(-5, 3), 58, 98), sex: "female" },
      ];
    }
    case "nuclear": {
      const age = rng.int(26, 56);
      return [
        { relation: "head", age, sex: "male" },
        { relation: "spouse", age: clamp(age + rng.int(-5, 2), 22, 60), sex: "female" },
        ...children(rng, p, age),
      ];
    }
    case "three_gen": {
      const age = rng.int(27, 52);
      const elder = clamp(age + rng.int(22, 32), 55, 98);
      const people: Person[] = [
        { relation: "head", age, sex: "male" },
        { relation: "spouse", age: clamp(age + rng.int(-5, 2), 22, 60), sex: "female" },
        { relation: "parent", age: elder, sex: sex(0.4) },
      ];
      if (rng.chance(0.5)) {
        people.push({ relation: "parent", age: clamp(elder + rng.int(-4, 4), 55, 98), sex: "female" });
      }
      return [...people, ...children(rng, p, age)];
    }
    case "skipped_gen": {
      const age = rng.int(55, 82);
      const people: Person[] = [{ relation: "head", age, sex: sex(0.5) }];
      if (rng.chance(0.6)) people.push({ relation: "spouse", age: clamp(age + rng.int(-4, 4), 50, 95), sex: "female" });
      const n = rng.chance(0.6) ? 1 : 2;
      for (let i = 0; i < n; i++) people.push({ relation: "grandchild", age: rng.int(1, 17), sex: sex(0.53) });
      return people;
    }
    case "single_parent": {
      const age = rng.int(26, 52);
      return [{ relation: "head", age, sex: sex(0.45) }, ...children(rng, p, age, rng.chance(0.6) ? 1 : 2)];
    }
    case "adult_with_parents": {
      const age = elderAge(rng);
      const people: Person[] = [{ relation: "head", age, sex: sex(0.55) }];
      if (rng.chance(0.5)) people.push({ relation: "spouse", age: clamp(age + rng.int(-5, 3), 55, 98), sex: "female" });
      people.push({ relation: "child", age: clamp(age - rng.int(22, 36), 20, 60), sex: sex(0.65) });
      return people;
    }
    case "minor_alone": {
      const n = rng.chance(0.8) ? 1 : 2;
      const people: Person[] = [];
      for (let i = 0; i < n; i++) {
        people.push({ relation: i === 0 ? "head" : "other", age: rng.int(4, 17), sex: sex(0.55) });
      }
      return people;
    }
  }
}
