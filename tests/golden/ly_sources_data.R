# Writes ly_sources.csv: 200 simulated households with four income sources, in the shape of
# GiniDecompLY's `sample_income_data` (region, sample_wgt, wage, self_employment_rev,
# farming_rev, other_rev), which could not be fetched from CRAN here. Run from this folder:
#   Rscript ly_sources_data.R
# The totals are all different (checked below), so a ranking by the total has no ties and
# every convention for ordering tied totals gives the same concentration coefficients.
set.seed(20181201)
n <- 200
region <- ifelse(runif(n) < 0.55, "urban", "rural")
urban <- region == "urban"
has <- function(p) runif(n) < p
wage <- round(ifelse(has(ifelse(urban, 0.8, 0.45)), rlnorm(n, ifelse(urban, 8.2, 7.6), 0.7), 0), 2)
self_employment_rev <- round(ifelse(has(0.4), rlnorm(n, 7.4, 1.1), 0), 2)
farming_rev <- round(ifelse(has(ifelse(urban, 0.08, 0.7)), rlnorm(n, 7.0, 0.8), 0), 2)
other_rev <- round(rlnorm(n, 5.5, 0.9), 2)
sample_wgt <- round(runif(n, 40, 400), 3)
total <- wage + self_employment_rev + farming_rev + other_rev
stopifnot(!anyDuplicated(total), all(total > 0))
write.csv(data.frame(region, sample_wgt, wage, self_employment_rev, farming_rev, other_rev),
          "ly_sources.csv", row.names = FALSE, quote = FALSE)
