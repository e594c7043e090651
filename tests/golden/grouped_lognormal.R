# Recomputes the two log-normal class tables of tests/golden/grouped.csv and their fits from
# their definitions, with base R only: the Lorenz ordinates L(p) = Phi(Phi^-1(p) - sigma) at
# p = 0.1 ... 1, the true Gini 2 Phi(sigma/sqrt 2) - 1, the General Quadratic fit (OLS without
# intercept of L(1 - L) on p^2 - L, L(p - 1), p - L over the points before p = 1; Villasenor &
# Arnold, as Datt 1998 and wbpip) with its Gini as 1 - 2 * integral of the fitted curve, and the
# Beta fit (OLS of ln(p - L) on 1, ln p, ln(1 - p); Kakwani) with 2 theta B(1 + gamma, 1 + delta).
# Then, at the line z = 0.7 of a mean of 1: the exact MLD sigma^2/2, headcount Phi(u) and Watts
# sigma (u Phi(u) + phi(u)), u = (ln z + sigma^2/2) / sigma; and for each fitted curve (the Beta
# only where its slope is positive) the MLD -integral_0^1 ln L'(p) dp, the headcount H solving
# L'(H) = z and the Watts index integral_0^H ln(z / L'(p)) dp (integrate, uniroot).
# Checks each against the file (1e-9 for fitted numbers, 1e-12 for ordinates). Run:
#   Rscript tests/golden/grouped_lognormal.R   (scripts/test-r runs it; exit 1 on a mismatch)
args <- commandArgs(trailingOnly = FALSE)
here <- dirname(sub("^--file=", "", args[grep("^--file=", args)]))
g <- read.csv(file.path(here, "grouped.csv"), colClasses = "character")
failures <- 0
check <- function(what, expected, got, tol) {
  ok <- abs(got - expected) <= tol * max(1, abs(expected))
  if (!ok) failures <<- failures + 1
  cat(sprintf("%-45s expected %.17g recomputed %.17g %s\n", what, expected, got,
              if (ok) "ok" else "MISMATCH"))
}
z <- 0.7
for (sigma in c(0.6, 1.5)) {
  ds <- sprintf("lognormal_sigma%s_deciles", format(sigma))
  rows <- g[g$dataset == ds, ]
  file <- function(kind, variable) as.numeric(rows$value[rows$kind == kind & rows$variable == variable])
  # MLD, headcount and Watts of a fitted curve with slope function `slope` (mean 1).
  poverty <- function(form, slope) {
    kind <- paste0("expected_", form)
    mld <- integrate(function(x) -log(slope(x)), 0, 1, rel.tol = 1e-12)$value
    h <- uniroot(function(x) slope(x) - z, c(1e-12, 1 - 1e-12), tol = 1e-15)$root
    watts <- integrate(function(x) log(z / slope(x)), 0, h, rel.tol = 1e-12)$value
    check(paste(ds, form, "mld (integral)"), file(kind, "mld"), mld, 1e-9)
    check(paste(ds, form, "headcount z = 0.7"), file(kind, "headcount_z0.7"), h, 1e-9)
    check(paste(ds, form, "watts z = 0.7 (integral)"), file(kind, "watts_z0.7"), watts, 1e-9)
  }
  p <- (1:10) / 10
  L <- pnorm(qnorm(p) - sigma); L[10] <- 1
  check(paste(ds, "L(p) ordinates"), 0, max(abs(L - file("input", "cum_welfare_L"))), 1e-12)
  check(paste(ds, "true Gini"), file("expected_true", "gini"), 2 * pnorm(sigma / sqrt(2)) - 1, 1e-12)
  # General Quadratic.
  q <- 1:9
  y <- L[q] * (1 - L[q])
  fit <- lm.fit(cbind(p[q]^2 - L[q], L[q] * (p[q] - 1), p[q] - L[q]), y)$coefficients
  a <- fit[[1]]; b <- fit[[2]]; c <- fit[[3]]
  e <- -(a + b + c + 1); m <- b^2 - 4 * a; n <- 2 * b * e - 4 * c
  curve <- function(x) -(b * x + e + sqrt(m * x^2 + n * x + e^2)) / 2
  gq_gini <- 1 - 2 * integrate(curve, 0, 1, rel.tol = 1e-13)$value
  for (v in c("a", "b", "c", "m")) check(paste(ds, "GQ", v), file("expected_GQ", v), get(v), 1e-9)
  check(paste(ds, "GQ gini (1 - 2 integral)"), file("expected_GQ", "gini"), gq_gini, 1e-9)
  gq_slope <- function(x) -(b + (2 * m * x + n) / (2 * sqrt(m * x^2 + n * x + e^2))) / 2
  poverty("GQ", gq_slope)
  # Beta.
  fit <- lm.fit(cbind(1, log(p[q]), log(1 - p[q])), log(p[q] - L[q]))$coefficients
  theta <- exp(fit[[1]]); gamma <- fit[[2]]; delta <- fit[[3]]
  for (v in c("theta", "gamma", "delta")) check(paste(ds, "Beta", v), file("expected_Beta", v), get(v), 1e-9)
  check(paste(ds, "Beta gini 2 theta B(1+g, 1+d)"), file("expected_Beta", "gini_analytic"),
        2 * theta * beta(1 + gamma, 1 + delta), 1e-9)
  beta_slope <- function(x) 1 - theta * x^gamma * (1 - x)^delta * (gamma / x - delta / (1 - x))
  grid <- c(10^seq(-12, -1, by = 0.01), seq(0.1, 1 - 1e-9, length.out = 10000))
  if (all(beta_slope(grid) > 0)) poverty("Beta", beta_slope)
  # The true distribution's MLD, headcount and Watts at z = 0.7.
  u <- (log(z) + sigma^2 / 2) / sigma
  check(paste(ds, "true mld sigma^2/2"), file("expected_true", "mld"), sigma^2 / 2, 1e-12)
  check(paste(ds, "true headcount"), file("expected_true", "headcount_z0.7"), pnorm(u), 1e-12)
  check(paste(ds, "true watts"), file("expected_true", "watts_z0.7"),
        sigma * (u * pnorm(u) + dnorm(u)), 1e-12)
}
cat(sprintf("%d mismatches\n", failures))
if (failures > 0) quit(status = 1)
