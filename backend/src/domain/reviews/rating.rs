//! A product's rating from its published reviews: count, sum of ratings
//! and count per star, all integers. The average is the exact fraction
//! `sum / count`; shown rounded half up to one decimal, computed in
//! integer tenths (never accumulated in floating point).

/// The published reviews of one product, summed up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Rating {
    pub count: i64,
    pub sum: i64,
    /// `stars[0]` is the count of 1-star reviews … `stars[4]` of 5-star.
    pub stars: [i64; 5],
}

impl Rating {
    /// The aggregate of these ratings (a recomputation, for tests and checks).
    pub fn of(ratings: impl IntoIterator<Item = i32>) -> Rating {
        let mut r = Rating::default();
        for x in ratings {
            r.add(x);
        }
        r
    }

    /// A published review of `stars` enters.
    pub fn add(&mut self, stars: i32) {
        if let Some(slot) = slot(stars) {
            self.count += 1;
            self.sum += i64::from(stars);
            self.stars[slot] += 1;
        }
    }

    /// A published review of `stars` leaves.
    pub fn remove(&mut self, stars: i32) {
        if let Some(slot) = slot(stars) {
            self.count -= 1;
            self.sum -= i64::from(stars);
            self.stars[slot] -= 1;
        }
    }

    /// The average in tenths of a star, rounded half up (43 is 4.3); None
    /// without reviews.
    pub fn average_tenths(&self) -> Option<i64> {
        if self.count <= 0 {
            return None;
        }
        // round(10 * sum / count) = floor((20 * sum + count) / (2 * count))
        Some((20 * self.sum + self.count) / (2 * self.count))
    }

    /// The average as text with one decimal, e.g. "4.3".
    pub fn average_text(&self) -> Option<String> {
        self.average_tenths()
            .map(|t| format!("{}.{}", t / 10, t % 10))
    }

    /// Count of reviews with exactly `stars` (1 to 5).
    pub fn count_of(&self, stars: i32) -> i64 {
        slot(stars).map_or(0, |s| self.stars[s])
    }

    /// The distribution from 5 stars down to 1: `(stars, count)`.
    pub fn distribution(&self) -> Vec<(i32, i64)> {
        (1..=5).rev().map(|s| (s, self.count_of(s))).collect()
    }

    /// Percentage of reviews with `stars`, rounded down (for bars).
    pub fn percent_of(&self, stars: i32) -> i64 {
        if self.count <= 0 {
            0
        } else {
            self.count_of(stars) * 100 / self.count
        }
    }
}

fn slot(stars: i32) -> Option<usize> {
    (1..=5).contains(&stars).then(|| (stars - 1) as usize)
}
