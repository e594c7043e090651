# Standard errors of the weighted (midpoint) Gini with R survey, for comparison with
# `gini compute --se linearization|jackknife` on the same file. Run by hand:
#   Rscript benches/peers/survey_check.R data.csv
# data.csv columns: x (per-capita value), w (person weight), h (stratum), p (PSU).
# R survey keeps an n × (number of PSUs) replicate-weight matrix for JKn, so keep the file to
# a few thousand PSUs (e.g. the Sumatran provinces, codes 11-19, of a synthetic round:
# 20,000 households, 2,000 PSUs, about a minute).
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1])

# Midpoint Gini: sum w x (2C - w) / (W T) - 1, values ascending (ties in any order).
gini_mid <- function(x, w) {
  o <- order(x); x <- x[o]; w <- w[o]
  C <- cumsum(w)
  sum(w * x * (2 * C - w)) / (sum(w) * sum(w * x)) - 1
}

# Linearized variable (Langel & Tille 2013, written for the midpoint estimator, ties at the
# end of their run): z = 2 (x C~ + T - S~) / (N T) - (G + 1) (1/N + x/T).
gini_lin <- function(x, w) {
  o <- order(x); xs <- x[o]; ws <- w[o]
  C <- cumsum(ws); S <- cumsum(ws * xs)
  last <- cumsum(rle(xs)$lengths)               # end of each run of ties
  run <- rep(seq_along(last), rle(xs)$lengths)
  Ct <- C[last][run]; St <- S[last][run]
  N <- sum(ws); T <- sum(ws * xs); G <- gini_mid(x, w)
  z <- numeric(length(x))
  z[o] <- 2 * (xs * Ct + T - St) / (N * T) - (G + 1) * (1 / N + xs / T)
  z
}

des <- svydesign(ids = ~p, strata = ~h, weights = ~w, data = d)
d$z <- gini_lin(d$x, d$w)
des <- update(des, z = d$z)
se_lin <- SE(svytotal(~z, des))
rep <- as.svrepdesign(des, type = "JKn")
est <- withReplicates(rep, function(wts, data) gini_mid(data$x, wts), return.replicates = FALSE)
cat(sprintf("gini %.17g\nse_linearization %.17g\nse_jackknife %.17g\n",
            gini_mid(d$x, d$w), se_lin, SE(est)))
