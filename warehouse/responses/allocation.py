"""Share one question's published answers out among the 150 trusts so that the trusts' mean
scores fall into the published bands.

A trust's mean score on a question is the mean of the scores 1-5 answered to that question by
the trust's respondents, leaders and managers and front line staff together; "not applicable"
and "don't know" count for neither sum nor number. A trust with no score 1-5 on the question is
"missing". A band holds the means from its lower bound (inclusive) up to its upper bound
(exclusive), as dbt/seeds/mean_score_bands.csv says; the comparison is done on whole numbers
(10 x sum of scores against the bound in tenths x number of scores), so no rounding is involved.

How the counts are met exactly:

1. The trusts that are missing are chosen first (on the leaders-only questions they include
   the trusts without leaders and managers, as the report explains its 2 missing responses);
   they receive no answer to the question. The other trusts are dealt the published band counts
   in a random order.
2. Each responding trust gets a number of scored answers in proportion to its size, so that the
   sizes add up to the question's published number of scores 1-5. A size that cannot reach its
   band (one answer cannot have a mean of 2.9) grows by one at the expense of the largest trust.
3. The band of each trust becomes an interval of whole score sums [lo, hi]. If the published
   sum of scores lies outside the sum of those intervals, sizes are re-paired with bands (larger
   trusts to the bands the total leans to) until it lies inside.
4. The scores (the published multiset, e.g. 92 ones, 357 twos, ...) are shuffled and cut into
   the trusts' sizes; then, while a trust's sum is outside its interval, it swaps one answer
   with another trust (a score a for a score a + d), chosen so that the other trust stays inside
   its own interval. Every swap keeps both the trusts' sizes and the published multiset of
   scores, and lowers the total distance to the intervals by d, so the loop ends.
5. Each scored answer is given an audience: the published number of leaders' and managers'
   answers at each score are drawn from the trusts' answers, weighted by each trust's share of
   leaders and managers (none for a trust without them). "Not applicable" and "don't know" are
   dealt to the responding trusts in proportion to their size and audience share.

Every count the report prints is therefore met by construction: per audience and answer by
step 5, per band and missing by steps 1-4.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from warehouse.responses.published import (
    ANSWERS,
    AUDIENCES,
    BAND_BOUNDS_TENTHS,
    BAND_CODES,
    TRUSTS,
    PublishedQuestion,
)

SCORES = np.arange(1, 6)
MAX_SWAPS = 1_000_000


class AllocationError(RuntimeError):
    """The published counts of a question could not be met (names the question and why)."""


@dataclass(frozen=True)
class TrustProfile:
    """What stays the same for a trust across the questions of one collection."""

    weight: np.ndarray  # relative size of each trust (150)
    leader_share: np.ndarray  # share of leaders and managers among its respondents; 0 = none


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    quota = total * weights / weights.sum()
    counts = np.floor(quota).astype(np.int64)
    short = total - int(counts.sum())
    if short:
        order = np.argsort(-(quota - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


def _sum_bounds(bands: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole score sums [lo, hi] that put a mean of `sizes` answers inside each trust's band."""
    lower = np.array([BAND_BOUNDS_TENTHS[BAND_CODES[b]][0] for b in bands])
    upper = np.array([BAND_BOUNDS_TENTHS[BAND_CODES[b]][1] for b in bands])
    lo = np.maximum(-(-lower * sizes // 10), sizes)  # 10 * sum >= lower * n
    hi = np.minimum((upper * sizes - 1) // 10, 5 * sizes)  # 10 * sum < upper * n
    return lo, hi


def _fit_sizes(question: int, bands: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    sizes = sizes.copy()
    for _ in range(10 * TRUSTS):
        lo, hi = _sum_bounds(bands, sizes)
        short = np.flatnonzero(lo > hi)
        if short.size == 0:
            return sizes
        largest = int(np.argmax(sizes))
        sizes[largest] -= 1
        sizes[short[0]] += 1
    raise AllocationError(f"question {question}: no trust sizes reach every band")


def _pair_sizes_with_bands(question: int, bands: np.ndarray, sizes: np.ndarray, total: int) -> np.ndarray:
    """Re-pair sizes with bands until the published sum of scores fits the trusts' intervals."""
    lo, hi = _sum_bounds(bands, sizes)
    if lo.sum() <= total <= hi.sum():
        return sizes
    # the total leans high: the largest sizes go to the highest bands (and the other way round)
    leaning_high = total > hi.sum()
    by_band = np.argsort(bands if leaning_high else -bands, kind="stable")
    paired = np.empty_like(sizes)
    paired[by_band] = np.sort(sizes, kind="stable")
    paired = _fit_sizes(question, bands, paired)
    lo, hi = _sum_bounds(bands, paired)
    if not lo.sum() <= total <= hi.sum():
        raise AllocationError(
            f"question {question}: the published sum of scores {total} cannot be shared out so that the "
            f"trusts' means fall in the published bands (possible sums {lo.sum()}-{hi.sum()})"
        )
    return paired


def _swap_into_bounds(question: int, x: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
    """Swap single answers between trusts until every trust's score sum is inside [lo, hi]."""
    sums = x @ SCORES
    for _ in range(MAX_SWAPS):
        below, above = lo - sums, sums - hi
        worst = np.maximum(below, above)
        a = int(np.argmax(worst))
        if worst[a] <= 0:
            return
        raising = below[a] > 0
        need = int(worst[a])
        room = int(hi[a] - sums[a]) if raising else int(sums[a] - lo[a])
        # the largest step that does not overshoot, then larger ones that stay within the band
        steps = list(range(min(need, 4), 0, -1)) + list(range(need + 1, min(room, 4) + 1))
        for d in steps:
            if raising:  # a gives score s, takes s + d from a partner whose sum may fall by d
                has_pair = (x[a, : 5 - d] > 0)[None, :] & (x[:, d:] > 0)
                partner_ok = sums - d >= lo
            else:  # a gives score s + d, takes s from a partner whose sum may rise by d
                has_pair = (x[a, d:] > 0)[None, :] & (x[:, : 5 - d] > 0)
                partner_ok = sums + d <= hi
            ok = has_pair.any(axis=1) & partner_ok
            ok[a] = False
            if not ok.any():
                continue
            # prefer partners outside their own interval in the helpful direction, then the most slack
            excess = (sums - hi) if raising else (lo - sums)
            slack = (sums - lo) if raising else (hi - sums)
            preference = np.where(ok, excess * 1_000_000 + slack, np.iinfo(np.int64).min)
            b = int(np.argmax(preference))
            s = int(np.flatnonzero(has_pair[b])[0])  # index of the lower score of the pair
            if raising:
                x[a, s] -= 1
                x[a, s + d] += 1
                x[b, s + d] -= 1
                x[b, s] += 1
                sums[a] += d
                sums[b] -= d
            else:
                x[a, s + d] -= 1
                x[a, s] += 1
                x[b, s] -= 1
                x[b, s + d] += 1
                sums[a] -= d
                sums[b] += d
            break
        else:
            raise AllocationError(f"question {question}: no swap brings trust {a + 1}'s mean into its band")
    raise AllocationError(f"question {question}: the trusts' means did not settle into their bands")


def allocate_question(q: PublishedQuestion, profile: TrustProfile, rng: np.random.Generator) -> np.ndarray:
    """Answers of each trust to question `q`: counts[trust, audience, answer] (150 x 2 x 7)."""
    has_leaders = profile.leader_share > 0
    # 1. missing trusts, then the published bands dealt to the others
    forced = np.flatnonzero(~has_leaders) if q.leaders_only else np.array([], dtype=np.int64)
    if forced.size > q.missing:
        raise AllocationError(
            f"question {q.question_id}: leaders-only question prints {q.missing} missing responses, "
            f"but {forced.size} trusts have no leaders and managers"
        )
    others = np.setdiff1d(np.arange(TRUSTS), forced)
    missing = np.concatenate([forced, rng.choice(others, q.missing - forced.size, replace=False)])
    responding = rng.permutation(np.setdiff1d(np.arange(TRUSTS), missing))
    bands = np.repeat(np.arange(len(BAND_CODES)), [q.bands[c] for c in BAND_CODES])

    # 2-3. sizes (number of scores 1-5 per trust) and their intervals of score sums
    score_counts = np.array([q.counts["leaders_managers"][c] + q.counts["frontline"][c] for c in ANSWERS[:5]])
    total_answers, total_points = int(score_counts.sum()), int(score_counts @ SCORES)
    weights = profile.weight[responding] * (profile.leader_share[responding] if q.leaders_only else 1.0)
    sizes = np.maximum(_largest_remainder(total_answers - responding.size, weights), 0) + 1  # each >= 1
    sizes = _fit_sizes(q.question_id, bands, sizes)
    sizes = _pair_sizes_with_bands(q.question_id, bands, sizes, total_points)
    lo, hi = _sum_bounds(bands, sizes)

    # 4. deal the shuffled scores, then swap into the bands
    scores = rng.permutation(np.repeat(np.arange(5), score_counts))
    owner = np.repeat(np.arange(responding.size), sizes)
    x = np.zeros((responding.size, 5), dtype=np.int64)
    np.add.at(x, (owner, scores), 1)
    _swap_into_bounds(q.question_id, x, lo, hi)

    # 5. audiences
    counts = np.zeros((TRUSTS, len(AUDIENCES), len(ANSWERS)), dtype=np.int64)
    share = profile.leader_share[responding]
    for s in range(5):
        owners = np.repeat(np.arange(responding.size), x[:, s])
        leaders = q.counts["leaders_managers"][ANSWERS[s]]
        p = share[owners]
        if np.count_nonzero(p) < leaders:
            raise AllocationError(f"question {q.question_id}: too few answers {ANSWERS[s]} in trusts with leaders")
        chosen = rng.choice(owners.size, leaders, replace=False, p=p / p.sum()) if leaders else np.array([], int)
        is_leader = np.zeros(owners.size, dtype=bool)
        is_leader[chosen] = True
        counts[responding, 0, s] = np.bincount(owners[is_leader], minlength=responding.size)
        counts[responding, 1, s] = np.bincount(owners[~is_leader], minlength=responding.size)
    for k in (5, 6):  # not applicable, don't know
        for audience_index, audience in enumerate(AUDIENCES):
            n = q.counts[audience][ANSWERS[k]]
            p = weights * (share if audience_index == 0 else 1 - share)
            counts[responding, audience_index, k] = rng.multinomial(n, p / p.sum()) if n else 0
    return counts
