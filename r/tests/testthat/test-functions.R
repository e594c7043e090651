# Each function on small inputs whose answers are derived by hand.

test_that("gini and friends on c(1, 2, 3, 4) (hand-derived: G = 2*sum(i*x)/(n*sum(x)) - (n+1)/n = 0.25)", {
  expect_identical(gini(c(1, 2, 3, 4)), 0.25)
  expect_identical(gini(c(4, 1, 3, 2)), 0.25)
  # Weight 2 on every value leaves the Gini alone; an integer vector is read as numbers.
  expect_equal(gini(1:4, rep(2, 4)), 0.25, tolerance = 1e-15)
  # Theil T of (1, 3): mean 2, (1/2)(1/2 ln(1/2) + 3/2 ln(3/2)).
  expect_equal(theil(c(1, 3)), 0.5 * (0.5 * log(0.5) + 1.5 * log(1.5)), tolerance = 1e-15)
  # MLD of (1, 3): (1/2)(ln 2 + ln(2/3)).
  expect_equal(mld(c(1, 3)), 0.5 * (log(2) + log(2 / 3)), tolerance = 1e-15)
  # GE(2) = CV^2 / 2: population variance of (1, 3) is 1, mean 2.
  expect_equal(ge(c(1, 3), 2), 1 / 8, tolerance = 1e-15)
  # Atkinson(1) = 1 - geometric mean / mean.
  expect_equal(atkinson(c(1, 4), 1), 1 - 2 / 2.5, tolerance = 1e-15)
  # Bottom 40 % of (1, 2, 3, 4, 10): 1 + 2 of 20.
  expect_equal(band_share(c(1, 2, 3, 4, 10), 0, 0.4), 3 / 20, tolerance = 1e-15)
  m <- measures(c(1, 2, 3, 4), measures = c("gini", "mean"))
  expect_identical(m$measure, c("gini", "mean"))
  expect_identical(m$estimate, c(0.25, 2.5))
  expect_true(nrow(measure_names()) > 10)
})

test_that("lorenz of c(1, 2, 3, 4) at 5 points: 0, .1, .3, .6, 1", {
  l <- lorenz(c(1, 2, 3, 4), points = 5)
  expect_equal(l$share, c(0, 0.1, 0.3, 0.6, 1), tolerance = 1e-15)
  expect_equal(l$p, c(0, 0.25, 0.5, 0.75, 1), tolerance = 1e-15)
})

test_that("grouped: the polygon Gini of four equal classes holding 10/20/30/40 % is 0.25", {
  g <- grouped(c(25, 25, 25, 25), c(10, 20, 30, 40))
  expect_equal(g$selected[g$statistic == "gini_polygon"], 0.25, tolerance = 1e-12)
})

test_that("gic: growth of every quantile by 10 % when every value grows 10 %", {
  a <- data.frame(x = c(1, 2, 3, 4, 5, 6, 7, 8, 9, 10) * 100)
  b <- data.frame(x = a$x * 1.1)
  g <- gic(list(a = a, b = b), "x", points = c(0.25, 0.5))
  expect_equal(g$growth[g$statistic %in% c("mean", "mean_bottom40")], c(0.1, 0.1), tolerance = 1e-12)
  expect_error(gic(list(a = a), "x"), class = "ginikit_error", regexp = "only one round.*two rounds")
  expect_error(gic(list(a = a, b = b), "x", from = "c"), class = "ginikit_error",
               regexp = "round 'c' was not read; the rounds are: a, b")
  back <- gic(list(a = a, b = b), "x", from = "b", to = "a", points = 0.5)
  expect_equal(back$growth[back$statistic == "mean"], 1 / 1.1 - 1, tolerance = 1e-12)
})

test_that("decompose: Theil T within + between = total; a time series still goes to stats", {
  d <- data.frame(x = c(1, 2, 3, 10, 20, 30), g = c("a", "a", "a", "b", "b", "b"))
  r <- decompose(d, "x", by = "g", indices = "theil", replicates = 20)
  total <- r$estimate[r$component == "total"]
  expect_equal(total, theil(d$x), tolerance = 1e-12)
  expect_equal(r$estimate[r$component == "within"] + r$estimate[r$component == "between"], total,
               tolerance = 1e-12)
  expect_s3_class(decompose(ts(rep(1:4, 6), frequency = 4)), "decomposed.ts")
})

test_that("synth gives a calibrated round with the programme columns", {
  d <- synth("2018-09", households = 2000, seed = 3)
  expect_identical(nrow(d), 2000L)
  expect_true(all(c("expenditure_per_capita", "weight", "stratum", "psu", "pkh") %in% names(d)))
  expect_identical(synth("2018-09", 700, 3), synth("2018-09", 700, 3))
})

test_that("compute without measures gives the gini program's default list", {
  r <- compute(data.frame(x = c(1, 2, 3, 4, 5)), "x")
  expect_identical(r$measure, c("gini", "mean", "share_bottom40", "share_middle40", "share_top20"))
  # Gini of 1..5 by hand: 2 * 55 / (5 * 15) - 6 / 5 = 4 / 15.
  expect_equal(r$estimate[1:2], c(4 / 15, 3), tolerance = 1e-15)
})
