# Peer: R survey (Debian r-cran-survey). Standard errors on a stratified, clustered design of
# laeken's `eusilc`: strata = region (db040), PSU = household (db030), person weight rb050.
skip_if_not_installed("survey")
skip_if_not_installed("laeken")

data("eusilc", package = "laeken")
des <- survey::svydesign(ids = ~db030, strata = ~db040, weights = ~rb050, data = eusilc)
design <- gk_design(weight = "rb050", strata = "db040", psu = "db030")

test_that("the linearized SE of the mean equals survey's svymean to 1e-8", {
  peer <- survey::svymean(~eqIncome, des)
  r <- compute(eusilc, "eqIncome", design, measures = "mean")
  expect_equal(r$estimate, unname(coef(peer)), tolerance = 1e-12)
  expect_lt(abs(r$se / unname(survey::SE(peer)) - 1), 1e-8)
})

test_that("the JKn jackknife SE of the Gini equals survey's replicate weights with laeken's Gini (1e-8)", {
  # Two regions (about 1,900 persons) keep the peer's one Gini per replicate quick.
  small <- eusilc[eusilc$db040 %in% c("Burgenland", "Vorarlberg"), ]
  rep <- survey::as.svrepdesign(
    survey::svydesign(ids = ~db030, strata = ~db040, weights = ~rb050, data = small),
    type = "JKn"
  )
  # survey's default: centred on the replicates' mean (mse = FALSE), as ginikit's jackknife.
  peer <- survey::withReplicates(rep, function(w, d) laeken::gini(d$eqIncome, w)$value / 100)
  r <- compute(small, "eqIncome", design, measures = "gini", se = "jackknife")
  expect_lt(abs(r$estimate / unname(coef(peer)) - 1), 1e-12)
  expect_lt(abs(r$se / unname(survey::SE(peer)) - 1), 1e-8)
})

test_that("compute_svy reads strata, PSUs and weights from a svydesign: the same numbers as compute", {
  a <- compute_svy(des, "eqIncome", by = "rb090", measures = c("gini", "arpr"))
  b <- compute(eusilc, "eqIncome", design, by = "rb090", measures = c("gini", "arpr"))
  expect_identical(a$estimate, b$estimate)
  expect_identical(a$se, b$se)
  # A bootstrap from the same seed: the same replicates.
  a <- compute_svy(des, "eqIncome", measures = "gini", se = "bootstrap", replicates = 50)
  b <- compute(eusilc, "eqIncome", design, measures = "gini", se = "bootstrap", replicates = 50)
  expect_identical(a$se, b$se)
})

test_that("compute_svy refuses what it cannot read", {
  rep <- survey::as.svrepdesign(des, type = "bootstrap", replicates = 2)
  expect_error(compute_svy(rep, "eqIncome"), class = "ginikit_error", regexp = "svrepdesign")
  expect_error(compute_svy(des, "income"), class = "ginikit_error", regexp = "no column named 'income'")
  two <- survey::svydesign(ids = ~db040 + db030, weights = ~rb050, data = eusilc)
  expect_error(compute_svy(two, "eqIncome"), class = "ginikit_error", regexp = "one stage")
})

test_that("compute_svy reads a finite-population correction: svymean's SE with fpc (1e-8)", {
  # Population PSU counts per stratum: three times the sampled ones.
  npsu <- tapply(eusilc$db030, eusilc$db040, function(p) length(unique(p)))
  d <- eusilc
  d$N <- 3 * npsu[as.character(d$db040)]
  fpc_des <- survey::svydesign(ids = ~db030, strata = ~db040, weights = ~rb050, fpc = ~N, data = d)
  peer <- survey::svymean(~eqIncome, fpc_des)
  r <- compute_svy(fpc_des, "eqIncome", measures = "mean")
  expect_lt(abs(r$se / unname(survey::SE(peer)) - 1), 1e-8)
  expect_lt(r$se, compute_svy(des, "eqIncome", measures = "mean")$se)
})
