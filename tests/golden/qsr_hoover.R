# Reference values for tests/new_measures.rs (qsr, hoover), computed with R laeken 0.5.2 and
# R ineq's RS formula. Rscript tests/golden/qsr_hoover.R > tests/golden/qsr_hoover.csv
library(laeken)
# ineq 0.2-13, R/ineq.R: RS <- function(x) { d <- abs(x - mean(x)); mean(d)/(2*mean(x)) }
RS <- function(x) { d <- abs(x - mean(x)); mean(d) / (2 * mean(x)) }
set.seed(20181)
cases <- list()
x10 <- c(541, 1463, 2445, 3438, 4437, 5401, 6392, 8304, 11904, 22261)
cases[["ineq_x10"]] <- list(x = x10, w = rep(1, 10))
cases[["ineqpy_w10"]] <- list(x = c(57,63,81,79,88,57,42,3,77,89), w = c(2,5,2,9,5,7,4,5,9,9))
# log-normal money values rounded to 1,000 (ties at the quintiles) with integer weights
n <- 400
cases[["lognormal_400"]] <- list(x = round(exp(rnorm(n, 13, 0.6)), -3), w = sample(1:30, n, replace = TRUE))
cat("dataset,measure,expected,x,w,call\n")
for (name in names(cases)) {
  x <- cases[[name]]$x; w <- cases[[name]]$w
  xs <- paste(x, collapse = ";"); ws <- paste(w, collapse = ";")
  cat(sprintf("%s,qsr,%.17g,%s,%s,laeken::qsr(x; weights = w)$value\n", name, qsr(x, weights = w)$value, xs, ws))
  cat(sprintf("%s,hoover,%.17g,%s,%s,ineq RS on rep(x; w) (frequency expansion)\n", name, RS(rep(x, w)), xs, ws))
}
