// The Chromium build's background (a Manifest V3 service worker): the same code as Firefox's
// background page, with the config.js the test generates.
importScripts("config.js", "background.js");
