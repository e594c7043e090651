# Writes ginidecomply.csv: GiniDecompLY 1.0.0's weighted and unweighted Lerman–Yitzhaki
# decomposition (`gini_decomp_source`, `gini_income_elasticity`) of ly_sources.csv, whole
# sample and by region. Run from this folder:
#   Rscript ginidecomply.R                 # with GiniDecompLY installed from CRAN
#   Rscript ginidecomply.R path/to/R       # or with the R/ folder of its source package
# (needs dplyr, tidyr and magrittr, which Debian packages as r-cran-*).
suppressMessages({library(dplyr); library(tidyr); library(magrittr)})
args <- commandArgs(trailingOnly = TRUE)
if (length(args) == 0) {
  library(GiniDecompLY)
} else {
  for (f in list.files(args[1], pattern = "[.]R$", full.names = TRUE)) source(f)
}
d <- read.csv("ly_sources.csv")
srcs <- c("wage", "self_employment_rev", "farming_rev", "other_rev")
run <- function(by, weighted) {
  call <- function(f) {
    if (by && weighted) f(d, all_of(srcs), .by = region, .wgt = sample_wgt)
    else if (by) f(d, all_of(srcs), .by = region)
    else if (weighted) f(d, all_of(srcs), .wgt = sample_wgt)
    else f(d, all_of(srcs))
  }
  a <- call(gini_decomp_source)
  b <- call(gini_income_elasticity)
  keys <- if (by) c("region", "source_revenu") else "source_revenu"
  out <- inner_join(a, b, by = c(keys, "Share", "Gini", "Gini_corr")) %>% ungroup()
  if (!by) out$region <- "all"
  out$weighted <- weighted
  out
}
res <- bind_rows(run(FALSE, TRUE), run(TRUE, TRUE), run(FALSE, FALSE), run(TRUE, FALSE))
res <- res[, c("weighted", "region", "source_revenu", "Share", "Gini", "Gini_corr",
               "Absolute_Contribution", "Relative_Contribution", "Elasticity", "Marginal_Impact")]
num <- sapply(res, is.numeric)
res[num] <- lapply(res[num], function(v) sprintf("%.17g", v))
write.csv(res, "ginidecomply.csv", row.names = FALSE, quote = FALSE)
