"""Scrapy peer for scripts/bench-crawl: crawls one site from URL, following every <a href>
on the same host and port, and prints one JSON line when the spider closes:

    {"pages": N, "responses": R, "seconds": S}

N counts distinct HTML pages (2xx responses with an HTML content type, by final URL), R
every response handed to the spider; S runs from spider_opened to spider_closed, so the
interpreter's start-up is not counted (as our crawl_bench times its crawl only).

    python3 bench/peers/scrapy_spider.py http://127.0.0.1:8080/

Settings: Scrapy's defaults tuned for speed (no delay, throttling, cache, cookies or
pipelines), robots.txt obeyed, 16 concurrent requests to the one host. LinkExtractor keeps
its default deny_extensions, so documents (.pdf, .docx, .xlsx...) are not downloaded.
"""
import json
import sys
import time
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.http import HtmlResponse
from scrapy.linkextractors import LinkExtractor

SETTINGS = {
    "ROBOTSTXT_OBEY": True,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "LOG_LEVEL": "WARNING",
    "ITEM_PIPELINES": {},
    "HTTPCACHE_ENABLED": False,
    "DEPTH_LIMIT": 0,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    # Scrapy 2.8 warns on every run while this is left at its default ("2.6").
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
}


class SameSiteSpider(scrapy.Spider):
    name = "bench"

    def __init__(self, url, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [url]
        parts = urlsplit(url)
        # OffsiteMiddleware matches host names (no port); LinkExtractor's allow_domains
        # matches host:port, which keeps other servers on 127.0.0.1 out.
        self.allowed_domains = [parts.hostname]
        self.links = LinkExtractor(allow_domains=[parts.netloc])
        self.pages = set()
        self.responses = 0
        self.started = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_opened, signal=signals.spider_opened)
        return spider

    def on_opened(self, spider):
        self.started = time.monotonic()

    # A list, not a generator: Scrapy 2.8 re-reads and parses a generator callback's source
    # for every response (its cache is keyed by the short-lived bound method).
    def parse(self, response):
        self.responses += 1
        if not isinstance(response, HtmlResponse):
            return []
        self.pages.add(response.url)
        return [scrapy.Request(link.url, callback=self.parse)
                for link in self.links.extract_links(response)]

    def closed(self, reason):
        seconds = time.monotonic() - (self.started or time.monotonic())
        print(json.dumps({"pages": len(self.pages), "responses": self.responses,
                          "seconds": round(seconds, 3)}), flush=True)


def main():
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} URL")
    process = CrawlerProcess(settings=SETTINGS)
    process.crawl(SameSiteSpider, url=sys.argv[1])
    process.start()


if __name__ == "__main__":
    main()
