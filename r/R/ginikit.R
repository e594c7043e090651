# ginikit for R: inequality statistics from household survey tables on the same Rust engine
# as the `gini` program and the Python package. This file turns R arguments into plain values
# (double, integer and character vectors, named lists) for the native side
# (R/000-wrappers.R, src/rust) and its results into data frames; no statistics here.

# --- errors ---------------------------------------------------------------------------------

# Runs a native call; its errors become conditions of class `ginikit_error` whose message is
# the library's (it names the column, the row and the argument that fixes it).
.native <- function(expr) {
  tryCatch(expr, error = function(e) .abort(conditionMessage(e)))
}

.abort <- function(message) {
  stop(structure(
    class = c("ginikit_error", "error", "condition"),
    list(message = message, call = NULL)
  ))
}

# --- values ---------------------------------------------------------------------------------

# A numeric argument as a double vector (integers converted; anything else an error). Doubles
# pass as they are, without a copy: the native side ignores attributes and names a value that
# is NA, NaN or infinite by its position.
.doubles <- function(x, what) {
  if (is.null(x) || is.double(x) && is.null(oldClass(x))) {
    return(x)
  }
  if (is.factor(x) || !(is.numeric(x) || is.logical(x) && all(is.na(x)))) {
    .abort(sprintf("%s must be numeric, not %s", what, class(x)[1]))
  }
  as.double(x)
}

# A data frame's columns as plain vectors the native side reads: doubles, integers and
# characters stay; factors, logicals and dates become character (their labels), integer64
# and other classes are refused with the column's name.
.columns <- function(df, keep = NULL) {
  if (!is.data.frame(df)) {
    .abort(sprintf("data must be a data frame, not %s", class(df)[1]))
  }
  if (!is.null(keep)) {
    keep <- unique(keep[!is.na(keep)])
    # Only the columns the call reads are converted; if one is missing, all are passed so
    # that the library's message names it, its role and the columns there are.
    if (all(keep %in% names(df))) df <- df[keep]
  }
  out <- lapply(names(df), function(name) {
    v <- df[[name]]
    if (is.factor(v) || is.logical(v) || inherits(v, c("Date", "POSIXt"))) {
      v <- as.character(v)
    } else if (inherits(v, "integer64")) {
      .abort(sprintf("column '%s' is integer64: convert it with as.numeric() first", name))
    } else if (!(is.double(v) || is.integer(v) || is.character(v))) {
      .abort(sprintf(
        "column '%s' is %s: give numeric, integer, character or factor columns", name,
        class(v)[1]
      ))
    }
    attributes(v) <- NULL
    v
  })
  names(out) <- names(df)
  out
}

# A native report (columns, data, notes) as a data frame; the notes as its "notes" attribute.
.frame <- function(r) {
  df <- as.data.frame(r$data[r$columns], stringsAsFactors = FALSE, optional = TRUE)
  names(df) <- r$columns
  attr(df, "notes") <- r$notes
  class(df) <- c("gk_table", "data.frame")
  df
}

#' @export
print.gk_table <- function(x, ...) {
  notes <- attr(x, "notes")
  attr(x, "notes") <- NULL
  print(structure(x, class = "data.frame"), ...)
  if (length(notes) > 0) {
    cat(paste0(notes, collapse = "\n"), "\n", sep = "")
  }
  invisible(x)
}

# --- measures of one vector -----------------------------------------------------------------

#' Several measures of one vector, sorted once.
#'
#' @param x values.
#' @param w weights (NULL: every value weighs 1).
#' @param measures measure names as in `measure_names()`: "gini", "theil_t", "mld",
#'   "ge_2", "atkinson_0.5", "share_bottom40", "qsr", "arpr", "median", "quantile_0.9", ...
#' @param convention the weighted Gini's convention: "midpoint" (BPS, Eurostat/laeken, PIP),
#'   "convey", "unbiased-rows", "unbiased-frequency".
#' @param non_positive "error" (measures that need positive values refuse zeros and negatives)
#'   or "exclude".
#' @return a data frame: measure, estimate, n, population.
#' @examples
#' m <- measures(c(1, 2, 3, 4), measures = c("gini", "mean"))
#' stopifnot(identical(m$estimate, c(0.25, 2.5)))
#' @export
measures <- function(x, w = NULL, measures = c("gini", "share_bottom40"),
                     convention = "midpoint", non_positive = "error") {
  x <- .doubles(x, "x")
  w <- .doubles(w, "w")
  if (!is.null(w) && length(w) != length(x)) {
    .abort(sprintf("x has %d values and w %d weights: give one weight per value", length(x), length(w)))
  }
  settings <- list(convention = convention, non_positive = non_positive)
  r <- .native(rs_measures(x, as.character(measures), settings, w))
  data.frame(r, stringsAsFactors = FALSE)
}

.one <- function(name, x, w, ...) {
  measures(x, w, measures = name, ...)$estimate
}

#' The Gini ratio: `gini(c(1, 2, 3, 4))` is 0.25.
#'
#' Weighted: G = 1 - sum_i w_i (2 C_{i-1} + w_i x_i) / (W T) over values sorted ascending,
#' with C the cumulative weighted total (the "midpoint" convention of BPS and laeken, as a
#' fraction where laeken gives percent).
#' @inheritParams measures
#' @return a number.
#' @examples
#' stopifnot(gini(c(1, 2, 3, 4)) == 0.25)
#' gini(c(10, 20, 30), w = c(1, 2, 1))
#' @export
gini <- function(x, w = NULL, convention = "midpoint") .one("gini", x, w, convention = convention)

#' Theil T (GE(1)).
#' @inheritParams measures
#' @examples
#' stopifnot(abs(theil(c(1, 3)) - 0.5 * (0.5 * log(0.5) + 1.5 * log(1.5))) < 1e-15)
#' @export
theil <- function(x, w = NULL, non_positive = "error") .one("theil_t", x, w, non_positive = non_positive)

#' The mean log deviation (GE(0)).
#' @inheritParams measures
#' @export
mld <- function(x, w = NULL, non_positive = "error") .one("mld", x, w, non_positive = non_positive)

#' Generalized entropy GE(alpha).
#' @inheritParams measures
#' @param alpha any real number.
#' @export
ge <- function(x, alpha, w = NULL, non_positive = "error") {
  .one(paste0("ge_", format(alpha, digits = 17)), x, w, non_positive = non_positive)
}

#' The Atkinson index with inequality aversion epsilon.
#' @inheritParams measures
#' @param epsilon inequality aversion, at least 0.
#' @export
atkinson <- function(x, epsilon = 0.5, w = NULL, non_positive = "error") {
  .one(paste0("atkinson_", format(epsilon, digits = 17)), x, w, non_positive = non_positive)
}

#' The quintile share ratio cut at weighted quintiles (Eurostat, laeken `qsr`, as a ratio).
#' @inheritParams measures
#' @export
qsr <- function(x, w = NULL) .one("qsr", x, w)

#' The at-risk-of-poverty threshold: 60 \% of the weighted median (laeken `arpt`).
#' @inheritParams measures
#' @export
arpt <- function(x, w = NULL) .one("arpt", x, w)

#' The at-risk-of-poverty rate, a fraction (laeken `arpr` gives percent).
#' @inheritParams measures
#' @export
arpr <- function(x, w = NULL) .one("arpr", x, w)

#' The relative median at-risk-of-poverty gap, a fraction (laeken `rmpg` gives percent).
#' @inheritParams measures
#' @export
rmpg <- function(x, w = NULL) .one("rmpg", x, w)

#' The Palma ratio: top 10 \% share over bottom 40 \% share.
#' @inheritParams measures
#' @export
palma <- function(x, w = NULL) .one("palma", x, w)

#' A population band's share of the total, from the Lorenz polygon.
#' @inheritParams measures
#' @param lower,upper the band as population fractions (0 and 0.4: the bottom 40 \%).
#' @export
band_share <- function(x, lower, upper, w = NULL) {
  .one(sprintf("share_%s_%s", format(lower, digits = 17), format(upper, digits = 17)), x, w)
}

#' Every measure family: its names and what it is (whose convention it follows).
#' @export
measure_names <- function() {
  data.frame(.native(rs_measure_names()), stringsAsFactors = FALSE)
}

#' The Lorenz curve at `points` equally spaced population fractions.
#' @inheritParams measures
#' @param points how many fractions, from 0 to 1.
#' @return a data frame: p, share.
#' @examples
#' l <- lorenz(c(1, 2, 3, 4), points = 5)
#' stopifnot(isTRUE(all.equal(l$share, c(0, 0.1, 0.3, 0.6, 1))))
#' @export
lorenz <- function(x, w = NULL, points = 101L) {
  r <- .native(rs_lorenz(.doubles(x, "x"), as.integer(points), .doubles(w, "w")))
  data.frame(p = r$p, share = r$lorenz)
}

#' Inequality and poverty from a class table, as the World Bank computes them without
#' microdata: the General Quadratic and Beta Lorenz fits, PIP's choice and the polygon Gini.
#'
#' @param population,welfare the class table.
#' @param welfare_is "share" (class shares), "mean" (class means) or "cumulative" (with
#'   `population` cumulative too).
#' @param mean the distribution's mean (needed for poverty unless class means are given).
#' @param poverty_line a poverty line in the unit of the mean.
#' @examples
#' g <- grouped(c(25, 25, 25, 25), c(10, 20, 30, 40))
#' stopifnot(abs(g$selected[g$statistic == "gini_polygon"] - 0.25) < 1e-12)
#' @export
grouped <- function(population, welfare, welfare_is = "share", mean = NULL, poverty_line = NULL) {
  settings <- list(mean = mean, poverty_line = poverty_line)
  .frame(.native(rs_grouped(
    .doubles(population, "population"), .doubles(welfare, "welfare"), welfare_is, settings
  )))
}

# --- tables ---------------------------------------------------------------------------------

#' Which columns describe the survey.
#'
#' @param weight household weight column (person weight = weight x size).
#' @param size household size column.
#' @param strata,psu strata and primary sampling unit columns.
#' @param fpc finite-population correction: a fraction <= 1 or a population count of PSUs.
#' @param nest whether PSU codes restart within strata.
#' @param lonely_psu single-PSU strata: "error", "certainty" or "adjust".
#' @param repweights replicate-weight columns shipped with the data, with `rep_scale` (the
#'   variance's scale) and `rep_mse`.
#' @export
gk_design <- function(weight = NULL, size = NULL, strata = NULL, psu = NULL, fpc = NULL,
                      nest = FALSE, lonely_psu = "error", repweights = NULL,
                      rep_scale = NULL, rep_mse = FALSE) {
  structure(list(
    weight = weight, size = size, strata = strata, psu = psu, fpc = fpc, nest = nest,
    lonely_psu = lonely_psu, repweights = repweights, rep_scale = rep_scale, rep_mse = rep_mse
  ), class = "gk_design")
}

.has_design <- function(d) {
  !is.null(d$strata) || !is.null(d$psu) || !is.null(d$fpc) || length(d$repweights) > 0
}

# The settings list of a table call, and the columns it reads.
.settings <- function(value, design, by, measures, se, replicates, seed, level, ci, fay_rho,
                      per_capita, convention, non_positive, poverty_line, inference = NULL) {
  if (is.null(design)) design <- gk_design()
  if (!inherits(design, "gk_design")) {
    .abort("design must come from gk_design(...) (or use compute_svy() with a survey design)")
  }
  if (is.null(se) && .has_design(design)) {
    se <- if (length(design$repweights) > 0) "replicate-weights" else "linearization"
  }
  settings <- list(
    value = value, weight = design$weight, size = design$size, per_capita = per_capita,
    by = if (length(by) > 0) as.character(by) else NULL,
    repweights = if (length(design$repweights) > 0) as.character(design$repweights) else NULL,
    poverty_line = poverty_line, measures = as.character(measures),
    convention = convention, non_positive = non_positive,
    se = se, strata = design$strata, psu = design$psu, fpc = design$fpc, nest = design$nest,
    lonely_psu = design$lonely_psu, replicates = replicates, seed = seed, level = level,
    ci = ci, fay_rho = fay_rho, rep_scale = design$rep_scale, rep_mse = design$rep_mse
  )
  columns <- c(value, design$weight, design$size, by, design$repweights,
               if (is.character(poverty_line)) poverty_line,
               design$strata, design$psu, design$fpc)
  list(settings = settings, columns = columns, inference = !is.null(se))
}

#' Measures per group of a household or person table, as `gini compute` prints them.
#'
#' With design columns (or `se`) the standard errors are design-based: "linearization"
#' (influence values), "bootstrap" (Rao-Wu, `replicates`, `seed`), "jackknife" (JKn), "brr",
#' "fay", or "replicate-weights" (`gk_design(repweights = ...)`). Groups are domains of the
#' whole design.
#'
#' @param data a data frame.
#' @param value the column to measure (per-capita expenditure, income).
#' @param design `gk_design(...)`: weight, size, strata, PSU, fpc columns.
#' @param by group columns.
#' @param measures measure names (`measure_names()`); NULL: the `gini` program's default,
#'   gini, mean, share_bottom40, share_middle40, share_top20.
#' @param se "linearization", "bootstrap", "jackknife", "brr", "fay", "replicate-weights";
#'   NULL: linearization with design columns, none without.
#' @param replicates,seed bootstrap replicates and seed.
#' @param level confidence level of the intervals.
#' @param ci "normal" or (bootstrap) "percentile".
#' @param fay_rho Fay's rho.
#' @param per_capita divide the value by the household size.
#' @param poverty_line an amount, or the name of a column of per-row lines.
#' @inheritParams measures
#' @return a data frame: the group columns, measure, estimate, [se, ci_lower, ci_upper, deff],
#'   n, population; the notes as attribute "notes".
#' @examples
#' d <- data.frame(x = c(1, 2, 3, 4, 10, 20), g = c("a", "a", "a", "b", "b", "b"))
#' r <- compute(d, "x", by = "g", measures = "mean")
#' stopifnot(identical(r$estimate, c(2, 34 / 3)))
#' @export
compute <- function(data, value, design = gk_design(), by = NULL,
                    measures = NULL,
                    se = NULL, replicates = 1000L, seed = 20181L, level = 0.95, ci = "normal",
                    fay_rho = 0.5, per_capita = FALSE, convention = "midpoint",
                    non_positive = "error", poverty_line = NULL) {
  s <- .settings(value, design, by, measures, se, replicates, seed, level, ci, fay_rho,
                 per_capita, convention, non_positive, poverty_line)
  .frame(.native(rs_compute(.columns(data, s$columns), "data frame", s$settings, s$inference)))
}

#' `compute()` on a `survey::svydesign` object: strata, PSUs, weights and fpc are read from
#' it, so a convey user switches in one line.
#'
#' `svydesign(ids = ~psu, strata = ~stratum, weights = ~w, data = d, nest = TRUE)` becomes
#' `compute_svy(des, "income")`. The design's weights are person weights (no size column).
#' Only designs with one stage of clustering are read; a finite-population correction is read
#' from the design's fpc (population PSU counts per stratum).
#'
#' @param design a `survey.design2` object from `survey::svydesign`.
#' @param value the column of the design's data to measure.
#' @inheritParams compute
#' @export
compute_svy <- function(design, value, by = NULL,
                        measures = NULL,
                        se = "linearization", replicates = 1000L, seed = 20181L,
                        level = 0.95, ci = "normal", fay_rho = 0.5, convention = "midpoint",
                        non_positive = "error", poverty_line = NULL) {
  if (!inherits(design, "survey.design2")) {
    .abort(sprintf(
      "design must be a survey::svydesign() object (survey.design2), not %s; replicate designs (svrepdesign) are not read yet: use compute() with gk_design(repweights = ...)",
      class(design)[1]
    ))
  }
  if (!is.null(design$cluster) && ncol(design$cluster) > 1) {
    .abort("the design has more than one stage of clustering: ginikit uses the first stage (with-replacement variance); give a one-stage design (ids = ~psu)")
  }
  d <- design$variables
  if (!is.data.frame(d) || !(value %in% names(d))) {
    .abort(sprintf("no column named '%s' in the design's data; the columns are: %s", value,
                   paste(names(d), collapse = ", ")))
  }
  # The design's own probabilities: person weights are 1/prob; PSUs and strata as codes.
  frame <- d[unique(c(value, by, if (is.character(poverty_line)) poverty_line))]
  frame[[".gk_weight"]] <- 1 / design$prob
  frame[[".gk_psu"]] <- as.integer(factor(design$cluster[[1]]))
  frame[[".gk_strata"]] <- as.integer(factor(design$strata[[1]]))
  has_fpc <- !is.null(design$fpc$popsize)
  if (has_fpc) frame[[".gk_fpc"]] <- as.double(design$fpc$popsize[, 1])
  # PSU codes from interaction(stratum, psu) are unique across strata.
  frame[[".gk_psu"]] <- as.integer(factor(paste(frame[[".gk_strata"]], frame[[".gk_psu"]])))
  compute(
    frame, value,
    gk_design(weight = ".gk_weight", strata = ".gk_strata", psu = ".gk_psu",
              fpc = if (has_fpc) ".gk_fpc", lonely_psu = .lonely_option()),
    by = by, measures = measures, se = se, replicates = replicates, seed = seed,
    level = level, ci = ci, fay_rho = fay_rho, convention = convention,
    non_positive = non_positive, poverty_line = poverty_line
  )
}

# survey's option for single-PSU strata, in ginikit's words.
.lonely_option <- function() {
  switch(getOption("survey.lonely.psu", "fail"),
    fail = "error", certainty = "certainty", adjust = "adjust", average = "adjust",
    remove = "certainty", "error"
  )
}

# Rounds as a named list of column lists: a named list of data frames, or one data frame
# with a `period` column.
.rounds <- function(rounds, period, columns) {
  if (is.data.frame(rounds)) {
    if (is.null(period)) {
      .abort("give a named list of data frames (one per round), or one data frame with period = COLUMN")
    }
    return(list(`data frame` = .columns(rounds, c(period, columns))))
  }
  if (!is.list(rounds) || is.null(names(rounds)) || any(names(rounds) == "")) {
    .abort("rounds must be a named list of data frames, list(`2017-09` = d17, `2018-09` = d18)")
  }
  lapply(rounds, .columns, keep = c(period, columns))
}

#' Changes of measures between survey rounds, as `gini trend` prints them: each round
#' estimated against its own design; se(change) = sqrt(se1^2 + se2^2) (independent samples).
#'
#' @param rounds a named list of data frames (one per round), or one data frame with a
#'   `period` column.
#' @param period the round column of one data frame.
#' @param pairs a list of c(from, to) rounds; by default consecutive rounds.
#' @inheritParams compute
#' @export
trend <- function(rounds, value, design = gk_design(), by = NULL, measures = "gini",
                  period = NULL, pairs = NULL, se = "linearization", replicates = 1000L,
                  seed = 20181L, level = 0.95, fay_rho = 0.5, per_capita = FALSE,
                  convention = "midpoint", non_positive = "error", poverty_line = NULL) {
  s <- .settings(value, design, by, measures, se, replicates, seed, level, "normal", fay_rho,
                 per_capita, convention, non_positive, poverty_line)
  s$settings$period <- period
  if (!is.null(pairs)) s$settings$pairs <- as.character(unlist(lapply(pairs, function(p) p[1:2])))
  .frame(.native(rs_trend(.rounds(rounds, period, s$columns), s$settings)))
}

#' The growth incidence curve between two rounds: growth of each percentile's quantile, of
#' the mean and of the bottom 40 \%'s mean, with standard errors and the shared-prosperity
#' premium.
#'
#' @param rounds a named list of data frames (one per round), or one frame with `period`.
#' @param from,to the rounds compared (names of `rounds`, or values of `period`); by default
#'   the first and the last.
#' @param points population fractions (default: the percentiles 0.01 ... 0.99).
#' @param deflator the price change between the rounds (growth = to / (deflator x from) - 1).
#' @inheritParams trend
#' @export
gic <- function(rounds, value, design = gk_design(), by = NULL, period = NULL, from = NULL,
                to = NULL, points = NULL, deflator = 1, se = "linearization",
                replicates = 1000L, seed = 20181L, level = 0.95, per_capita = FALSE) {
  s <- .settings(value, design, by, "mean", se, replicates, seed, level, "normal", 0.5,
                 per_capita, "midpoint", "error", NULL)
  s$settings$period <- period
  s$settings$points <- if (!is.null(points)) as.double(points)
  s$settings$deflator <- deflator
  s$settings$from <- from
  s$settings$to <- to
  .frame(.native(rs_gic(.rounds(rounds, period, s$columns), s$settings)))
}

#' Inequality within and between groups per round and its change (Theil T, MLD, GE(alpha)
#' exactly; the Gini by Dagum), with replicate standard errors.
#'
#' @param data a data frame (one round) or a named list of data frames (rounds).
#' @param by the groups.
#' @param indices "theil", "mld", "ge_<alpha>", "gini".
#' @param ... for a time series `data`, the arguments of `stats::decompose`, which this
#'   function hands it to.
#' @inheritParams trend
#' @export
decompose <- function(data, value, by, design = gk_design(), indices = c("mld", "theil", "gini"),
                      period = NULL, se = "bootstrap", replicates = 200L, seed = 20181L,
                      level = 0.95, per_capita = FALSE, ...) {
  # The name is also stats::decompose (time series): a time series goes there.
  if (inherits(data, "ts")) {
    return(stats::decompose(data, ...))
  }
  s <- .settings(value, design, by, "gini", se, replicates, seed, level, "normal", 0.5,
                 per_capita, "midpoint", "error", NULL)
  s$settings$indices <- as.character(indices)
  s$settings$period <- period
  rounds <- if (is.data.frame(data) && is.null(period)) list(`data frame` = data) else data
  .frame(.native(rs_decompose(.rounds(rounds, period, s$columns), s$settings)))
}

#' A synthetic Susenas-shaped round, calibrated to BPS's published figures (the generator
#' of `gini synth`).
#'
#' @param round "2017-09", "2018-03", "2018-09", ...
#' @param households how many households.
#' @param seed the random seed.
#' @param family "gb2" (the default), "singh-maddala" or "log-normal".
#' @export
synth <- function(round = "2018-09", households = 75000, seed = 1, family = "gb2") {
  data.frame(.native(rs_synth(round, as.double(households), as.double(seed), family)),
             stringsAsFactors = FALSE)
}

#' The files of the bundled synthetic rounds (Parquet).
#' @export
bundled_rounds <- function() .native(rs_bundled_rounds())

#' Reproduces BPS's Gini ratio 0.391 (Sep 2017) -> 0.384 (Sep 2018) from household tables:
#' estimates with standard errors, the test of the change, urban/rural and provinces beside
#' the published figures, poverty, growth incidence and decompositions.
#'
#' @param files the rounds' files (CSV, Parquet, Stata, SPSS); default the bundled synthetic
#'   rounds.
#' @param se "linearization", "bootstrap" or "jackknife".
#' @param ... column names and settings as in `gini reproduce` (value, weight, size, area,
#'   province, strata, psu, round, from, to, nest, lonely_psu, level).
#' @return a list of data frames (estimates, national, changes, provinces, province_poverty,
#'   poverty, growth_incidence, decomposition, province_contributions), the summary text and
#'   the Lorenz curves.
#' @export
reproduce <- function(files = NULL, se = "linearization", ...) {
  settings <- c(list(se = se), list(...))
  r <- .native(rs_reproduce(settings, if (!is.null(files)) as.character(files)))
  tables <- c("estimates", "national", "changes", "provinces", "province_poverty", "poverty",
              "growth_incidence", "decomposition", "province_contributions")
  out <- lapply(r[tables], .frame)
  out$summary <- r$summary
  out$lorenz <- lapply(r$lorenz, function(l) data.frame(p = l$p, share = l$lorenz))
  out$from_round <- r$from_round
  out$to_round <- r$to_round
  out$level <- r$level
  structure(out, class = "gk_reproduction")
}

#' @export
print.gk_reproduction <- function(x, ...) {
  cat(x$summary, "\n", sep = "")
  invisible(x)
}
