# The vignette reproduces 0.391 -> 0.384 from R (it stops if the estimates do not round to
# BPS's figures): rendered when pandoc is there, otherwise its code is run.
vignette <- test_path("..", "..", "vignettes", "reproduce.Rmd")
skip_if(!file.exists(vignette), "the vignette's source is not beside the tests")
skip_if_not_installed("knitr")

test_that("the vignette runs and reproduces BPS's figures", {
  out <- tempfile("vignette")
  dir.create(out)
  if (requireNamespace("rmarkdown", quietly = TRUE) && rmarkdown::pandoc_available()) {
    html <- rmarkdown::render(vignette, output_dir = out, intermediates_dir = out, quiet = TRUE,
                              envir = new.env())
    expect_true(file.exists(html))
    page <- paste(readLines(html, warn = FALSE), collapse = "\n")
    expect_match(page, "0\\.39")
  } else {
    code <- knitr::purl(vignette, output = file.path(out, "vignette.R"), quiet = TRUE)
    expect_no_error(source(code, local = new.env()))
  }
})
