WITH
member_conditions AS (
  SELECT
    m."household_id" AS household_id,
    m."person_id" AS person_id,
    (CAST(m."major_illness" AS BOOLEAN) AND (CAST(m."age" AS DOUBLE) >= CAST('16' AS DOUBLE))) AS "c0",
    (CAST(m."disability_grade" AS DOUBLE) IN (CAST('1' AS DOUBLE), CAST('2' AS DOUBLE))) AS "c1",
    CAST(m."income" AS DOUBLE) AS "x0",
    ((CAST(m."age" AS DOUBLE) >= CAST('18' AS DOUBLE)) AND (CAST(m."age" AS DOUBLE) <= CAST('60' AS DOUBLE))) AS "x1"
  FROM members AS m
),
member_hits AS (
  SELECT
    household_id,
    CAST(count(*) AS INTEGER) AS members,
    CAST(count(*) FILTER (WHERE "c0") AS INTEGER) AS "c0",
    CAST(count(*) FILTER (WHERE "c1") AS INTEGER) AS "c1",
    list_sum(list_transform(list_sort(list({'p': person_id, 'x': "x0"}) FILTER (WHERE "x0" IS NOT NULL), 'ASC', 'NULLS LAST'), lambda s: s.x)) AS "a0",
    CAST(count(*) FILTER (WHERE NOT coalesce("x1", FALSE)) AS INTEGER) AS "a1"
  FROM member_conditions
  GROUP BY household_id
),
household_hits AS (
  SELECT
    h."household_id" AS household_id,
    h."village" AS village,
    h."category" AS category,
    CAST(coalesce(mh.members, 0) AS INTEGER) AS members,
    CAST(coalesce(mh."c0", 0) AS INTEGER) AS "c0",
    CAST(coalesce(mh."c1", 0) AS INTEGER) AS "c1",
    CAST(CASE WHEN ((coalesce(mh."a0", CAST('0' AS DOUBLE)) / NULLIF(CAST(coalesce(mh.members, 0) AS DOUBLE), CAST('0' AS DOUBLE))) < (CAST('580' AS DOUBLE) * CAST('12' AS DOUBLE))) THEN 1 ELSE 0 END AS INTEGER) AS "c2",
    CAST(CASE WHEN ((CAST(h."car" AS BOOLEAN) OR (CAST(h."house_area" AS DOUBLE) > CAST('150' AS DOUBLE))) OR (coalesce(mh."a1", 0) = 0)) THEN 1 ELSE 0 END AS INTEGER) AS "c3"
  FROM households AS h
  LEFT JOIN member_hits AS mh ON mh.household_id = h."household_id"
),
hits AS (
  SELECT
    household_id,
    village,
    category,
    members,
    "c0" AS "h0_M03",
    "c1" AS "h1_D01",
    "c2" AS "h2_I01",
    "c3" AS "h3_A01"
  FROM household_hits
),
totals AS (
  SELECT
    household_id, village, category, members,
    ((((CAST(-10 AS BIGINT)
      + "h0_M03" * CAST(90 AS BIGINT))
      + "h1_D01" * CAST(60 AS BIGINT))
      + "h2_I01" * CAST(60 AS BIGINT))
      + "h3_A01" * CAST(-80 AS BIGINT)) AS total_units,
    CAST(NULL AS DOUBLE) AS total_points
  FROM hits
),
scored AS (
  SELECT
    household_id, village, category, members, CAST(total_units AS DOUBLE) / CAST('10' AS DOUBLE) AS total_points,
    CAST(total_units AS DOUBLE) / CAST(NULLIF(members, 0) * CAST(10 AS BIGINT) AS DOUBLE) AS per_capita,
    CASE WHEN (CAST(total_units AS DOUBLE) / CAST(NULLIF(members, 0) * CAST(10 AS BIGINT) AS DOUBLE)) >= CAST('30' AS DOUBLE) THEN 'red' WHEN (CAST(total_units AS DOUBLE) / CAST(NULLIF(members, 0) * CAST(10 AS BIGINT) AS DOUBLE)) >= CAST('20' AS DOUBLE) THEN 'orange' WHEN (CAST(total_units AS DOUBLE) / CAST(NULLIF(members, 0) * CAST(10 AS BIGINT) AS DOUBLE)) >= CAST('12' AS DOUBLE) THEN 'yellow' ELSE CAST(NULL AS VARCHAR) END AS band
  FROM totals
)
SELECT household_id, village, category, members, total_points, per_capita, band
FROM scored
ORDER BY per_capita DESC NULLS LAST, household_id ASC
