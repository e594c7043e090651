# Side-by-side timings in one R session: ginikit against laeken and a base-R formula on the
# same data. Run with the package installed from a release build (R CMD INSTALL r, whose
# default profile is release):  Rscript r/bench/compare.R
# Prints R's version, the peers' versions, the thread count and best-of-k wall times.
suppressPackageStartupMessages({
  library(ginikit)
  library(laeken)
})

best <- function(k, f) {
  times <- vapply(seq_len(k), function(i) {
    gc(FALSE)
    system.time(f())[["elapsed"]]
  }, numeric(1))
  min(times)
}

cat(sprintf("R %s, laeken %s, ginikit %s, RAYON_NUM_THREADS=%s, %d cores\n",
            getRversion(), packageVersion("laeken"), packageVersion("ginikit"),
            Sys.getenv("RAYON_NUM_THREADS", "(all)"), parallel::detectCores()))

# The midpoint weighted Gini in base R: order() (radix for doubles), cumulative weights.
gini_base <- function(x, w) {
  o <- order(x)
  x <- x[o]
  w <- w[o]
  wx <- w * x
  cw <- cumsum(wx)
  1 - sum(w * (2 * cw - wx)) / (sum(w) * sum(wx))
}
gini_base_unweighted <- function(x) {
  s <- sort(x)
  n <- length(s)
  2 * sum(seq_len(n) * s) / (n * sum(s)) - (n + 1) / n
}

set.seed(1)
n <- 1e7
x <- exp(rnorm(n, 13, 0.8))
w <- runif(n, 50, 500)

rows <- list()
add <- function(task, ours, peer, peer_name) {
  rows[[length(rows) + 1]] <<- data.frame(task = task, ginikit_s = ours, peer = peer_name,
                                          peer_s = peer, ratio = peer / ours)
}

g1 <- ginikit::gini(x, w); g2 <- gini_base(x, w); g3 <- laeken::gini(x, w)$value / 100
cat(sprintf("1e7 weighted Gini: ginikit %.17g, base %.17g, laeken %.17g\n", g1, g2, g3))
t_gk <- best(5, function() ginikit::gini(x, w))
add("gini(x, w), 1e7", t_gk, best(3, function() gini_base(x, w)), "base order + cumsum")
add("gini(x, w), 1e7", t_gk, best(3, function() laeken::gini(x, w)), "laeken::gini")
add("gini(x), 1e7", best(5, function() ginikit::gini(x)),
    best(3, function() gini_base_unweighted(x)), "base sort formula")

data("eusilc", package = "laeken")
design <- gk_design(weight = "rb050", strata = "db040", psu = "db030")
t_boot <- best(3, function() {
  compute(eusilc, "eqIncome", design, measures = "gini", se = "bootstrap", replicates = 1000)
})
t_laeken <- best(1, function() {
  laeken::variance("eqIncome", weights = "rb050", design = "db040", data = eusilc,
                   indicator = laeken::gini("eqIncome", weights = "rb050", data = eusilc),
                   R = 1000, bootType = "naive", seed = 1)
})
add("eusilc Gini, 1,000 bootstrap replicates", t_boot, t_laeken, "laeken::variance (naive)")

out <- do.call(rbind, rows)
out$ratio <- round(out$ratio, 1)
print(out, row.names = FALSE)
