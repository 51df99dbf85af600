/**
 * The dashboard's one HTML page (the studies list and every study page): no data in it, the
 * browser code fetches everything as JSON, so nothing from a study is ever written into HTML.
 */

/** The page shell. */
export function dashboardHtml(): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>automl dashboard</title>
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body>
<main>
<nav><a href="/">All studies</a></nav>
<header id="header"></header>
<p id="live" class="live"></p>
<div id="content"></div>
</main>
<script src="/assets/echarts.min.js"></script>
<script src="/assets/dashboard.js"></script>
</body>
</html>
`;
}
