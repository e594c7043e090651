# Peer: R laeken (Debian r-cran-laeken, the version `packageVersion("laeken")` prints), on its
# own EU-SILC sample `eusilc` (14,827 persons, equivalized income `eqIncome`, personal weight
# `rb050`). laeken gives the Gini, ARPR and RMPG in percent, ginikit as fractions; laeken's
# weighted Gini is ginikit's "midpoint" convention (the default).
skip_if_not_installed("laeken")

data("eusilc", package = "laeken")
x <- eusilc$eqIncome
w <- eusilc$rb050

relative <- function(a, b) abs(a - b) / abs(b)

test_that("gini, qsr, arpr, arpt and rmpg agree with laeken on eusilc to 1e-12", {
  expect_lt(relative(ginikit::gini(x, w), laeken::gini(x, w)$value / 100), 1e-12)
  expect_lt(relative(ginikit::qsr(x, w), laeken::qsr(x, w)$value), 1e-12)
  expect_lt(relative(ginikit::arpr(x, w), laeken::arpr(x, w)$value / 100), 1e-12)
  expect_lt(relative(ginikit::arpt(x, w), laeken::arpr(x, w)$threshold), 1e-12)
  expect_lt(relative(ginikit::rmpg(x, w), laeken::rmpg(x, w)$value / 100), 1e-12)
  # Unweighted too.
  expect_lt(relative(ginikit::gini(x), laeken::gini(x)$value / 100), 1e-12)
  expect_lt(relative(ginikit::qsr(x), laeken::qsr(x)$value), 1e-12)
})

test_that("per group, against laeken's breakdown (the whole population's threshold for arpr)", {
  by <- as.character(eusilc$db040)
  r <- compute(eusilc, "eqIncome", gk_design(weight = "rb050"), by = "db040",
               measures = c("gini", "qsr", "arpr"))
  lg <- laeken::gini(x, w, breakdown = eusilc$db040)$valueByStratum
  lq <- laeken::qsr(x, w, breakdown = eusilc$db040)$valueByStratum
  la <- laeken::arpr(x, w, breakdown = eusilc$db040)$valueByStratum
  for (region in unique(by)) {
    row <- function(m) r$estimate[r$db040 == region & r$measure == m]
    expect_lt(relative(row("gini"), lg$value[lg$stratum == region] / 100), 1e-12)
    expect_lt(relative(row("qsr"), lq$value[lq$stratum == region]), 1e-12)
    expect_lt(relative(row("arpr"), la$value[la$stratum == region] / 100), 1e-12)
  }
})

test_that("the same numbers from a vector and from a data frame, bit for bit", {
  r <- compute(eusilc, "eqIncome", gk_design(weight = "rb050"), measures = c("gini", "arpr"))
  expect_identical(r$estimate, c(ginikit::gini(x, w), ginikit::arpr(x, w)))
})
