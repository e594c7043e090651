# The same engine as the `gini` program: a table written as CSV (every double with 17
# significant digits, so the program reads the numbers R holds) gives the same JSON numbers,
# bit for bit. GINI_BIN names the program (the test command sets it); without one the test
# is skipped.
bin <- Sys.getenv("GINI_BIN", unset = Sys.which("gini"))
skip_if(!nzchar(bin) || !file.exists(bin), "no gini program (set GINI_BIN)")
skip_if_not_installed("jsonlite")

write_exact <- function(df, path) {
  out <- df
  for (n in names(out)) if (is.double(out[[n]])) out[[n]] <- sprintf("%.17g", out[[n]])
  utils::write.csv(out, path, row.names = FALSE, quote = TRUE)
}

run <- function(args) {
  out <- system2(bin, args, stdout = TRUE, stderr = FALSE)
  jsonlite::fromJSON(paste(out, collapse = "\n"), simplifyVector = TRUE)
}

d <- synth("2018-09", households = 3000, seed = 7)
path <- tempfile(fileext = ".csv")
write_exact(d, path)

test_that("compute with a linearized SE equals gini compute --format json, bit for bit", {
  r <- compute(d, "expenditure_per_capita",
               gk_design(weight = "weight", size = "household_size", strata = "stratum", psu = "psu"),
               by = "area", measures = c("gini", "theil_t", "share_bottom40", "mean"))
  j <- run(c("compute", path, "--value", "expenditure_per_capita", "--weight", "weight",
             "--size", "household_size", "--strata", "stratum", "--psu", "psu",
             "--se", "linearization", "--by", "area",
             "--measures", "gini,theil_t,share_bottom40,mean", "--format", "json"))
  expect_identical(r$area, j$area)
  expect_identical(r$measure, j$measure)
  for (col in c("estimate", "se", "ci_lower", "ci_upper", "deff", "population")) {
    expect_identical(r[[col]], as.double(j[[col]]), label = col)
  }
})

test_that("trend between two rounds equals gini trend --format json, bit for bit", {
  d2 <- synth("2017-09", households = 3000, seed = 7)
  path2 <- tempfile(fileext = ".csv")
  write_exact(d2, path2)
  r <- trend(list(a = d2, b = d), "expenditure_per_capita",
             gk_design(weight = "weight", size = "household_size", strata = "stratum", psu = "psu"),
             measures = c("gini", "share_bottom40"))
  j <- run(c("trend", path2, path, "--value", "expenditure_per_capita", "--weight", "weight",
             "--size", "household_size", "--strata", "stratum", "--psu", "psu",
             "--measures", "gini,share_bottom40", "--format", "json"))
  for (col in c("estimate_from", "estimate_to", "change", "se", "p_value")) {
    expect_identical(r[[col]], as.double(j[[col]]), label = col)
  }
})
