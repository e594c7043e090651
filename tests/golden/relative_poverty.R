# Reference values for tests/poverty.rs (arpt, arpr, rmpg, and the rate at a fixed line),
# computed with R laeken 0.5.2. Run: Rscript tests/golden/relative_poverty.R
# It writes relative_poverty_data.csv (generated data: log-normal incomes rounded to 10, so
# there are ties, integer weights, four regions) and relative_poverty.csv (expected values).
library(laeken)
set.seed(20170901)
n <- 3000
region <- sample(c("north", "south", "east", "west"), n, replace = TRUE, prob = c(0.4, 0.3, 0.2, 0.1))
shift <- c(north = 0, south = -0.3, east = 0.2, west = -0.6)[region]
x <- round(exp(rnorm(n, 9 + shift, 0.7)), -1)
w <- sample(1:50, n, replace = TRUE)
write.csv(data.frame(income = x, weight = w, region = region),
          "relative_poverty_data.csv", row.names = FALSE, quote = FALSE)
out <- data.frame(case = character(), measure = character(), group = character(),
                  expected = numeric(), call = character())
add <- function(case, measure, group, value, call) {
  out <<- rbind(out, data.frame(case = case, measure = measure, group = group,
                                expected = value, call = call))
}
add("weighted", "arpt", "", arpt(x, weights = w), "laeken::arpt(x, weights = w)")
add("weighted", "arpr", "", arpr(x, weights = w)$value / 100, "laeken::arpr(x, weights = w)$value / 100")
add("weighted", "rmpg", "", rmpg(x, weights = w)$value / 100, "laeken::rmpg(x, weights = w)$value / 100")
add("weighted", "arpt_50", "", arpt(x, weights = w, p = 0.5), "laeken::arpt(x, weights = w, p = 0.5)")
add("weighted", "arpr_50", "", arpr(x, weights = w, p = 0.5)$value / 100, "laeken::arpr(x, weights = w, p = 0.5)$value / 100")
add("unweighted", "arpt", "", arpt(x), "laeken::arpt(x)")
add("unweighted", "arpr", "", arpr(x)$value / 100, "laeken::arpr(x)$value / 100")
add("unweighted", "rmpg", "", rmpg(x)$value / 100, "laeken::rmpg(x)$value / 100")
# The headcount at a fixed line: laeken's rate with a given threshold.
add("weighted", "fgt0@6000", "", arpr(x, weights = w, threshold = 6000)$value / 100,
    "laeken::arpr(x, weights = w, threshold = 6000)$value / 100")
# Per region: the whole population's threshold (laeken's breakdown).
a <- arpr(x, weights = w, breakdown = region)
for (i in seq_len(nrow(a$valueByStratum)))
  add("weighted", "arpr", as.character(a$valueByStratum$stratum[i]), a$valueByStratum$value[i] / 100,
      "laeken::arpr(x, weights = w, breakdown = region)$valueByStratum / 100")
g <- rmpg(x, weights = w, breakdown = region)
for (i in seq_len(nrow(g$valueByStratum)))
  add("weighted", "rmpg", as.character(g$valueByStratum$stratum[i]), g$valueByStratum$value[i] / 100,
      "laeken::rmpg(x, weights = w, breakdown = region)$valueByStratum / 100")
# Thresholds computed within each region: laeken on the region's rows alone.
for (r in sort(unique(region))) {
  k <- region == r
  add("weighted_within", "arpr", r, arpr(x[k], weights = w[k])$value / 100,
      "laeken::arpr(x[region == r], weights = w[region == r])$value / 100")
  add("weighted_within", "arpt", r, arpt(x[k], weights = w[k]),
      "laeken::arpt(x[region == r], weights = w[region == r])")
}
out$expected <- sprintf("%.17g", out$expected)
write.csv(out, "relative_poverty.csv", row.names = FALSE)
