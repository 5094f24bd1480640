/**
 * Every tunable number of the demo-county generator, in one place. Each is documented in
 * `data/README.md` with its source, or marked there as an assumption. Sources are public
 * descriptions (the Hubei Daily report on Xiaochang's pilot, national statistics, public policy
 * documents); where no public figure was at hand the value is an assumption chosen to look
 * plausible for a poor rural county in eastern Hubei, and says so.
 */

/** The management categories (contract §1) with their household shares. */
export type Category = "dibao" | "tekun" | "monitored" | "near_dibao" | "rigid_expense" | "other";

/** Household compositions. */
export type Template =
  | "single_elderly"
  | "single_adult"
  | "elderly_couple"
  | "nuclear"
  | "three_gen"
  | "skipped_gen"
  | "single_parent"
  | "adult_with_parents"
  | "minor_alone";

/** The generator's parameters (sources and assumptions in data/README.md). */
export const PARAMS = {
  /** Default county size: ~52,000 households ≈ 145,000 persons (the pilot's 14.5万人 database). */
  households: 52_000,
  /** Villages per 170 households (≈306 villages and communities for the full county; assumption). */
  householdsPerVillage: 170,
  /** Dates of the snapshot and the history (assumption; the pilot ran in 2024). */
  dates: {
    snapshot: "2024-10-15",
    surveyFrom: "2024-04-08",
    surveyTo: "2024-05-17",
    batch1Extracted: "2024-06-14",
    batch1VerifyDays: 45,
    batch2Extracted: "2024-10-15",
    batch2VerifyDays: 45,
    /** A routine record update (annual review, department data refresh) falls uniformly in this range. */
    routineUpdateFrom: "2023-11-15",
    applicationsFrom: "2024-06-15",
    applicationsTo: "2024-12-13",
  },
  /** Household shares by management category (assumption, see README). */
  categoryShare: {
    dibao: 0.36,
    tekun: 0.10,
    monitored: 0.13,
    near_dibao: 0.24,
    rigid_expense: 0.15,
    other: 0.02,
  } satisfies Record<Category, number>,
  /** Mean of the latent hardship H by category; H = mean + village effect + Normal(0, 1). */
  hardshipMean: {
    dibao: 0.5,
    tekun: 0.6,
    monitored: 0.2,
    near_dibao: -0.1,
    rigid_expense: 0.3,
    other: -0.4,
  } satisfies Record<Category, number>,
  /** Standard deviation of village effects around their town's remoteness. */
  villageEffectSd: 0.25,
  /** Composition probabilities by category (assumption). */
  templates: {
    tekun: { single_elderly: 0.72, single_adult: 0.18, elderly_couple: 0.06, minor_alone: 0.04 },
    dibao: {
      single_elderly: 0.22,
      single_adult: 0.10,
      elderly_couple: 0.16,
      nuclear: 0.16,
      three_gen: 0.10,
      skipped_gen: 0.08,
      single_parent: 0.08,
      adult_with_parents: 0.10,
    },
    monitored: {
      single_elderly: 0.05,
      single_adult: 0.03,
      elderly_couple: 0.10,
      nuclear: 0.30,
      three_gen: 0.30,
      skipped_gen: 0.07,
      single_parent: 0.05,
      adult_with_parents: 0.10,
    },
    near_dibao: {
      single_elderly: 0.09,
      single_adult: 0.04,
      elderly_couple: 0.15,
      nuclear: 0.30,
      three_gen: 0.20,
      skipped_gen: 0.06,
      single_parent: 0.06,
      adult_with_parents: 0.10,
    },
    rigid_expense: {
      single_elderly: 0.05,
      single_adult: 0.04,
      elderly_couple: 0.10,
      nuclear: 0.34,
      three_gen: 0.28,
      skipped_gen: 0.05,
      single_parent: 0.06,
      adult_with_parents: 0.08,
    },
    other: {
      single_elderly: 0.15,
      single_adult: 0.10,
      elderly_couple: 0.15,
      nuclear: 0.25,
      three_gen: 0.15,
      skipped_gen: 0.10,
      single_parent: 0.05,
      adult_with_parents: 0.05,
    },
  } satisfies Record<Category, Partial<Record<Template, number>>>,
  /** Number of children in households with children: P(1), P(2), P(3) (assumption). */
  childrenCount: [0.42, 0.43, 0.15],
  /** Health: log-odds = base + slope·H + age·(age−45)/15 (+ boosts). Assumptions tuned to public prevalence. */
  health: {
    chronic: { base: -2.3, h: 0.45, age: 0.7 },
    major: { base: -4.6, h: 0.55, age: 0.3, rigidBoost: 1.8, monitoredBoost: 0.5 },
    /** Recorded major illness that is no longer active (stale record), log-odds base. */
    majorStale: { base: -5.2, age: 0.2 },
    disability: { base: -2.6, h: 0.5, age: 0.35, singleAdultBoost: 1.6, adultChildBoost: 1.9, tekunBoost: 1.0 },
    /** Grade 1..4 weights at H = 0; higher H shifts weight to grades 1–2. */
    disabilityGrade: [0.12, 0.22, 0.32, 0.34],
    severeMental: { base: -5.6, h: 0.5, singleAdultBoost: 1.3 },
    /** P(not enrolled in basic medical insurance) log-odds for non-dibao/tekun. */
    uninsured: { base: -4.4, h: 0.35 },
    /** Out-of-pocket share of medical cost after insurance (dibao/tekun get medical assistance). */
    oopShare: { dibao: 0.12, tekun: 0.08, other: 0.32, uninsured: 1.0 },
    majorCostMedian: 55_000,
    chronicCostMedian: 3_500,
  },
  /** Schooling (assumption, in line with near-universal compulsory schooling in Hubei). */
  school: {
    preschoolEnrolled: 0.88,
    /** Log-odds of a child aged 6–15 not being enrolled (dropout risk): base + h·H (+3 for disability grade 1–2). */
    dropout: { base: -6.4, h: 0.8 },
    /** Age 15–17: senior high / vocational / not enrolled weights (not enrolled grows with H). */
    upperSecondary: { senior: 0.55, vocational: 0.35, none: 0.10 },
    /** Age 18–22 in college: log-odds base + h·H. */
    college: { base: -0.6, h: -0.45 },
    /** Annual education expense by stage, median yuan (assumption). */
    expenseMedian: { preschool: 2_400, primary: 700, junior: 1_100, senior: 5_000, vocational: 3_800, college: 13_000 },
  },
  /** Employment of people aged 16–64 not in school (assumption). */
  employment: {
    full: { migrant: 0.36, local: 0.24, farming: 0.26, unemployed: 0.14 },
    partial: { migrant: 0.08, local: 0.12, farming: 0.45, unemployed: 0.35 },
    /** Multiplier exp(h·H) on the unemployed weight. */
    unemployedH: 0.5,
    /** Monthly wage medians, yuan (migrant work in coastal cities vs local work; assumption). */
    migrantMonthly: 4_200,
    localMonthly: 2_800,
    /** Share of wage records unknown (empty cell) by status. */
    wageUnknown: { migrant: 0.12, local: 0.05 },
    /** Log-odds of a full 12 months employed: base + h·H. */
    fullYear: { base: 1.8, h: -0.6 },
  },
  /** Pensions (assumption; the national minimum urban-rural resident basic pension was raised to 123 yuan in 2024). */
  pension: { residentMedian: 165, enterprise: { base: -3.6, h: -0.6, median: 2_600 } },
  /** Asset signals (members aged 20–70): log-odds = base + h·H + category offset. */
  assets: {
    vehicle: { base: -3.4, h: -0.7 },
    business: { base: -4.4, h: -0.6 },
    realEstate: { base: -3.9, h: -0.5 },
    categoryOffset: { dibao: -0.4, tekun: -1.5, monitored: 0.2, near_dibao: 0.5, rigid_expense: 0.6, other: 1.0 },
    financialMedian: {
      dibao: 2_000,
      tekun: 3_000,
      monitored: 6_000,
      near_dibao: 7_000,
      rigid_expense: 6_000,
      other: 12_000,
    },
    financialSd: 0.9,
    financialUnknown: 0.08,
    /** Share of households with a larger deposit (median 80,000 yuan). */
    wealthyDeposit: 0.03,
  },
  /** Target per-capita annual means-test income (excluding social assistance), median yuan by category. */
  incomeMedian: {
    dibao: 4_800,
    tekun: 2_500,
    monitored: 8_200,
    near_dibao: 9_000,
    rigid_expense: 11_500,
    other: 12_500,
  } satisfies Record<Category, number>,
  incomeSd: 0.25,
  incomeH: -0.2,
  /** Unreported (hidden) income: share of households and median yuan per year (latent only). */
  hiddenIncome: { share: 0.12, assetShare: 0.5, median: 12_000 },
  /** Social-assistance payments (policy: tekun support ≥ 1.3× the dibao standard). */
  assistance: { dibaoMonthly: 580, tekunMultiple: 1.3, dibaoTopUp: 0.9 },
  /** Housing (rural): log-odds of grade D and C by H (assumption; most dangerous homes were rebuilt by 2020). */
  housing: {
    gradeD: { base: -5.6, h: 0.8 },
    gradeC: { base: -4.0, h: 0.7 },
    tenureRural: { own: 0.93, borrowed: 0.04, rent: 0.01, public: 0.02 },
    tenureUrban: { own: 0.55, rent: 0.25, public: 0.15, borrowed: 0.05 },
    areaPerPersonMedian: 38,
    unsafeWater: { base: -4.3, h: 0.5 },
  },
  /** Shocks in the 12 months before the snapshot. */
  shock: {
    rate: { base: -2.9, h: 0.35 },
    type: { natural_disaster: 0.28, accident: 0.2, fire: 0.06, death_of_earner: 0.08, sudden_illness: 0.38 },
    lossMedian: {
      natural_disaster: 12_000,
      accident: 20_000,
      fire: 25_000,
      death_of_earner: 30_000,
      sudden_illness: 25_000,
    },
  },
  /** Near-threshold flags (share of households by category; assumption). */
  flags: {
    dibaoRejected: { near_dibao: 0.16, monitored: 0.08, rigid_expense: 0.06, other: 0.05 },
    dibaoExitRecent: { near_dibao: 0.10, monitored: 0.08, rigid_expense: 0.05, other: 0.10 },
    povertyAlleviated: {
      dibao: 0.55,
      tekun: 0.45,
      monitored: 0.75,
      near_dibao: 0.35,
      rigid_expense: 0.30,
      other: 0.30,
    },
    /** Monitored households whose risk is marked eliminated: log-odds base + h·H. */
    riskEliminated: { base: 0.2, h: -0.8 },
  },
  /** Latent need (log-odds scale): a component needs help where its propensity > 0. See README. */
  need: {
    offset: -1.39,
    /** Weight of the true per-capita burden B in every kind's propensity. */
    burdenSlope: 1.38,
    /** Weights of true adverse conditions in B (per member, or once per household; assumption). */
    burden: {
      majorIllness: 1,
      noSelfCare: 1,
      severeDisability: 0.6,
      severeMental: 0.6,
      upperStudent: 0.8,
      pupil: 0.3,
      dropout: 1,
      jobless: 0.7,
      veryOld: 0.3,
      lowIncome: 1,
      shock: 1,
      unsafeHouse: 0.6,
      unsafeWater: 0.3,
    },
    kinSupport: 0.6,
    noise: 0.7,
    education: { base: -1.44, h: 0.5, college: 0.9, upper: 0.6, dropout: 2.0, burden: 0.8 },
    medical: { base: -2.67, h: 0.5, oop: 0.8, mental: 0.6, covered: -0.8 },
    employment: { base: -1.41, h: 0.5, perUnemployed: 0.7 },
    temporary: { base: -4.11, h: 0.5, loss: 0.8 },
    basicLiving: { base: -3.97, h: 0.5, gap: 1.5 },
    charity: { base: -5.65, h: 0.5, alone: 0.8 },
  },
  /** Applications through the app: P(apply) for unwarned households in need / not in need. */
  application: { needBase: -2.2, needZ: 0.8, noNeedBase: -5.6, noNeedH: 0.6 },
  /** Assistance amounts, median yuan and log-sd (assumption; pilot average ≈ 2,950 yuan per person-time). */
  amount: {
    education: [2_200, 0.45],
    medical: [4_200, 0.7],
    employment: [1_500, 0.4],
    temporary: [2_300, 0.5],
    charity: [2_000, 0.5],
    basic_living: [3_600, 0.4],
  } as Record<string, [number, number]>,
  /** Number of sample villages surveyed in full (the pilot's 4 样本村). */
  surveyVillages: 4,
};

/** The shape of the generator's parameters. */
export type Params = typeof PARAMS;
