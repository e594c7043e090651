# Bad input: an R condition of class "ginikit_error" that names the column, the row and the
# argument that fixes it; a Rust panic is an error too, and the session goes on.

test_that("a missing column is named with its role and the columns there are", {
  df <- data.frame(income = c(1, 2), w = c(1, 1))
  expect_error(compute(df, "incom"), class = "ginikit_error",
               regexp = "no column named 'incom'.*income, w.*value =")
  expect_error(compute(df, "income", gk_design(weight = "wt")), class = "ginikit_error",
               regexp = "no column named 'wt'.*gk_design\\(weight\\)")
})

test_that("NA, NaN and negative weights name the column and the row (counted from 1)", {
  df <- data.frame(x = c(1, 2, NA, 4), w = c(1, -1, 1, 1))
  expect_error(compute(df, "x"), class = "ginikit_error", regexp = "column 'x'.*row 3")
  df$x[3] <- NaN
  expect_error(compute(df, "x"), class = "ginikit_error", regexp = "column 'x'.*row 3")
  df$x[3] <- 3
  expect_error(compute(df, "x", gk_design(weight = "w")), class = "ginikit_error",
               regexp = "column 'w'.*row 2.*-1")
  expect_error(gini(c(1, NA, 3)), class = "ginikit_error", regexp = "x has 1 value.*position 2 \\(NA\\)")
  expect_error(gini(c(1, 2, NaN, NA)), class = "ginikit_error", regexp = "x has 2 value.*position 3 \\(NaN\\)")
  expect_error(gini(c(1, 2), c(1, NA)), class = "ginikit_error", regexp = "w has 1 value.*position 2 \\(NA\\)")
  expect_error(gini(Sys.Date()), class = "ginikit_error", regexp = "x must be numeric, not Date")
  expect_error(gini(c(1, 2, Inf)), class = "ginikit_error", regexp = "position 3 \\(Inf\\)")
})

test_that("non-positive values say how to exclude them", {
  expect_error(theil(c(0, 1, 2)), class = "ginikit_error", regexp = 'non_positive = "exclude"')
  expect_identical(theil(c(0, 1, 2), non_positive = "exclude"), theil(c(1, 2)))
})

test_that("a single-PSU stratum says the design argument", {
  df <- data.frame(x = c(1, 2, 3, 4, 5), h = c(1, 1, 2, 2, 3), p = c(1, 2, 3, 4, 5))
  expect_error(compute(df, "x", gk_design(strata = "h", psu = "p"), measures = "gini"),
               class = "ginikit_error", regexp = "single PSU.*lonely_psu")
  r <- compute(df, "x", gk_design(strata = "h", psu = "p", lonely_psu = "certainty"),
               measures = "gini")
  expect_gt(r$se, 0)
})

test_that("unknown measures, bad settings, empty and zero-weight input", {
  expect_error(measures(c(1, 2), measures = "gni"), class = "ginikit_error",
               regexp = "unknown measure 'gni'.*hoover")
  expect_error(compute(data.frame(x = 1:3), "x", se = "boot"), class = "ginikit_error",
               regexp = 'se = "boot".*"bootstrap"')
  expect_error(gini(numeric(0)), class = "ginikit_error", regexp = "no observations")
  expect_error(gini(c(1, 2), c(0, 0)), class = "ginikit_error", regexp = "weights are zero")
  expect_error(gini(c(1, 2), c(1, 2, 3)), class = "ginikit_error", regexp = "one weight per value")
  expect_error(gini("a"), class = "ginikit_error", regexp = "x must be numeric")
  expect_error(compute(data.frame(x = 1:3, d = as.complex(1:3)), "x", by = "d"),
               class = "ginikit_error", regexp = "column 'd' is complex")
})

test_that("a Rust panic becomes a ginikit_error and the package still works afterwards", {
  expect_error(ginikit:::.native(ginikit:::rs_panic_for_test()), class = "ginikit_error",
               regexp = "internal error.*deliberate test panic")
  expect_identical(gini(c(1, 2, 3, 4)), 0.25)
})

test_that("integer, factor and logical columns are read; a factor group keeps its labels", {
  df <- data.frame(x = 1:6, g = factor(c("a", "b", "a", "b", "a", "b")), f = c(TRUE, FALSE))
  r <- compute(df, "x", by = "g", measures = "mean")
  expect_identical(r$g, c("a", "b"))
  expect_identical(r$estimate, c(3, 4))
  expect_identical(compute(df, "x", by = "f", measures = "mean")$f, c("TRUE", "FALSE"))
})
