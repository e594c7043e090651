# Every result is built while R's garbage collector runs at each allocation (gctorture): an
# R value the native side made but did not protect would be collected and the session crash.
test_that("results survive a garbage collection at every allocation", {
  d <- data.frame(x = c(1, 2, 3, 10, 20, 30), g = c("a", "a", "a", "b", "b", "b"),
                  w = c(1, 2, 1, 2, 1, 2))
  gctorture(TRUE)
  on.exit(gctorture(FALSE))
  m <- measures(d$x, d$w, measures = c("gini", "mean", "qsr"))
  l <- lorenz(d$x, points = 3)
  r <- compute(d, "x", gk_design(weight = "w"), by = "g", measures = c("gini", "mean"), se = "linearization")
  t <- trend(list(a = d, b = transform(d, x = x * 1.1)), "x", measures = "mean")
  s <- synth("2018-09", households = 700, seed = 2)
  gctorture(FALSE)
  expect_identical(m$measure, c("gini", "mean", "qsr"))
  expect_identical(l$share[3], 1)
  expect_identical(r$g, c("a", "a", "b", "b"))
  # The mean of x is 66 / 6 = 11; it grows by 10 %.
  expect_equal(t$change, 1.1, tolerance = 1e-12)
  expect_identical(nrow(s), 700L)
})
