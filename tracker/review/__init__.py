"""The year's review (sơ kết): the indicators page, the review page and its document, and the
exemplary meetings shown to every cell (nhân rộng)."""
