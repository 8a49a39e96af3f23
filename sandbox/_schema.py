"""The data model: every table, every column, its type, unit and meaning.

This module is the single source of truth for the data contract. The generator
builds tables in this column order, the loader restores these dtypes from CSV,
the validator checks against it and ``datasets/README.md`` (the data dictionary)
is rendered from it, so code and documentation cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

PLATFORMS = ("instagram", "tiktok", "facebook", "x", "linkedin", "youtube")

#: Formats each platform offers. Video formats carry ``video_views``.
PLATFORM_FORMATS = {
    "instagram": ("image", "carousel", "reel"),
    "tiktok": ("video", "carousel", "live"),
    "facebook": ("image", "video", "link", "text"),
    "x": ("text", "image", "video", "link"),
    "linkedin": ("text", "image", "document", "video"),
    "youtube": ("video", "short", "live"),
}
FORMATS = ("image", "carousel", "reel", "video", "short", "live", "text", "link", "document")
VIDEO_FORMATS = frozenset({"reel", "video", "short", "live"})

#: The post columns that add up to engagements (the project's one definition).
ENGAGEMENT_COLUMNS = ("likes", "comments", "shares", "saves")

TOPICS = (
    "product", "behind_the_scenes", "education", "entertainment",
    "promotion", "community", "news", "user_generated",
)
INDUSTRIES = (
    "fashion", "beauty", "food_beverage", "technology", "travel",
    "sports", "finance", "media", "retail", "health",
)
AGE_GROUPS = ("13-17", "18-24", "25-34", "35-44", "45-54", "55-64", "65+")
GENDERS = ("female", "male", "unknown")
OBJECTIVES = ("awareness", "traffic", "engagement", "conversions")
VARIANTS = ("A", "B")
NICHES = (
    "fashion", "beauty", "fitness", "food", "travel",
    "tech", "gaming", "parenting", "finance", "lifestyle",
)

#: Column kinds and the pandas dtype each becomes in memory.
KIND_DTYPES = {
    "id": "str",            # prefixed identifier such as B0001
    "str": "str",           # free text
    "category": "category", # one of a fixed, ordered list of values
    "int": "int64",         # non-negative count, never missing
    "Int64": "Int64",       # count that may be missing (nullable integer)
    "float": "float64",
    "bool": "bool",
    "timestamp": "datetime64[us, UTC]",
    "date": "datetime64[us]",  # a calendar day (UTC), midnight
}


@dataclass(frozen=True)
class Column:
    """One column of the data contract."""

    name: str
    kind: str
    description: str
    unit: str = ""
    categories: tuple[str, ...] | None = None
    nullable: bool = False
    references: str | None = None  # "table.column" this foreign key points to

    def __post_init__(self):
        if self.kind not in KIND_DTYPES:
            raise ValueError(f"column {self.name!r}: unknown kind {self.kind!r}; allowed: {sorted(KIND_DTYPES)}")
        if (self.kind == "category") != (self.categories is not None):
            raise ValueError(f"column {self.name!r}: categories go with kind 'category' only")

    @cached_property
    def dtype(self):
        """The pandas dtype of this column in memory."""
        if self.kind == "category":
            import pandas as pd

            return pd.CategoricalDtype(list(self.categories), ordered=False)
        return KIND_DTYPES[self.kind]


@dataclass(frozen=True)
class Table:
    """One table of the data contract: the registry every list of tables derives from (the schema, which tables are
    made block by block of brands, the label tables). ``made`` is ``"world"`` (made once for the whole world) or
    ``"block"`` (made for each block of brands, written as one part per block in a partitioned world)."""

    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = field(default=())
    made: str = "world"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name!r} has no column {name!r}; columns: {self.column_names}")


def _count(name, description, unit="count", nullable=False):
    return Column(name, "Int64" if nullable else "int", description, unit, nullable=nullable)


BRANDS = Table(
    "brands",
    "One row per brand (the organisation that runs the accounts).",
    (
        Column("brand_id", "id", "Brand identifier, `B` + digits."),
        Column("name", "str", "Brand name (synthetic, built from Faker company names)."),
        Column("industry", "category", "Industry of the brand.", categories=INDUSTRIES),
        Column("country", "str", "Home country, ISO 3166-1 alpha-2 code."),
        Column("timezone", "str", "IANA time zone of the brand's home (e.g. `Europe/Paris`). The brand posts in its "
               "local working day, and the planted best posting windows are in this local time."),
        Column("currency", "str", "ISO 4217 currency of the brand's home country, in which its campaigns are bought "
               "and reported (GBP for a British brand, MXN for a Mexican one). Compare amounts across brands only "
               "after converting them with fx_rates.", references="fx_rates.currency"),
    ),
    primary_key=("brand_id",),
)

ACCOUNTS = Table(
    "accounts",
    "One row per social account; a brand has one account per platform it uses.",
    (
        Column("account_id", "id", "Account identifier, `A` + digits."),
        Column("brand_id", "id", "Owning brand.", references="brands.brand_id"),
        Column("platform", "category", "Social platform.", categories=PLATFORMS),
        Column("handle", "str", "Public handle, `@` + lowercase name; unique per platform."),
        Column("created_at", "timestamp", "When the account was opened (always before the simulated period).", "UTC"),
        _count("followers_start", "Followers on the first day of the simulated period (equals followers_daily's first row minus that day's net change)."),
        Column("posts_per_week", "float", "The account's planned posting cadence; the real count varies around it.", "posts/week"),
    ),
    primary_key=("account_id",),
)

POSTS = Table(
    "posts",
    "One row per organic or boosted post with lifetime totals at the end of the simulated period.",
    (
        Column("post_id", "id", "Post identifier, `P` + digits."),
        Column("account_id", "id", "Publishing account.", references="accounts.account_id"),
        Column("platform", "category", "Platform of the account (repeated for convenience).", categories=PLATFORMS),
        Column("posted_at", "timestamp", "Publication time in UTC. Brands post by their local clock: convert with brands.timezone "
               "(`posted_at.dt.tz_convert(tz)`) to see local hours.", "UTC"),
        Column("format", "category", "Post format; which formats exist depends on the platform.", categories=FORMATS),
        Column("topic", "category", "Content topic.", categories=TOPICS),
        Column("caption", "str", "Caption text without hashtags."),
        Column("hashtags", "str", "Space-separated hashtags (`#word`), empty string when none."),
        _count("n_hashtags", "Number of hashtags in `hashtags`."),
        Column("is_boosted", "bool", "True when paid budget promoted the post (then campaign_id is set)."),
        Column("campaign_id", "id", "Campaign that boosted the post, missing for organic posts.", nullable=True, references="campaigns.campaign_id"),
        _count("impressions", "Times the post was displayed on screen, including repeat views (Instagram Insights definition)."),
        _count("reach", "Unique accounts that saw the post; reach <= impressions."),
        _count("likes", "Likes / reactions; likes <= reach."),
        _count("comments", "Comments (the `comments` table holds a sample of their text)."),
        _count("shares", "Shares, reposts, retweets."),
        _count("saves", "Saves / bookmarks."),
        _count("link_clicks", "Clicks on the post's link or call-to-action button; link CTR = link_clicks / impressions. "
               "Organic posts on instagram and tiktok have no clickable link (always 0); boosted posts carry an ad button on every platform."),
        _count("video_views", "Video views (3+ seconds); missing exactly when the format is not a video format.", nullable=True),
    ),
    primary_key=("post_id",),
    made="block",
)

POST_DAILY = Table(
    "post_daily",
    "Per-post daily metrics for the first days after publication (up to 7, cut at the end of the period); impressions, "
    "engagements and link clicks sum to the post's lifetime totals, daily reach to at least its lifetime reach.",
    (
        Column("post_id", "id", "The post.", references="posts.post_id"),
        Column("date", "date", "Calendar day (UTC).", "UTC day"),
        _count("day_index", "Days since publication: 0 is the posting day.", unit="days"),
        _count("impressions", "Impressions that day."),
        _count("reach", "Accounts reached that day; an account reached on two days counts on both, so daily reach "
               "adds up to more than the lifetime reach (at most the lifetime impressions)."),
        _count("engagements", "likes + comments + shares + saves that day."),
        _count("link_clicks", "Link clicks that day."),
    ),
    primary_key=("post_id", "day_index"),
    made="block",
)

FOLLOWERS_DAILY = Table(
    "followers_daily",
    "Per-account daily follower counts over the whole period.",
    (
        Column("account_id", "id", "The account.", references="accounts.account_id"),
        Column("date", "date", "Calendar day (UTC).", "UTC day"),
        _count("followers", "Followers at the end of the day: followers[t] = followers[t-1] + follows[t] - unfollows[t]."),
        _count("follows", "New followers that day."),
        _count("unfollows", "Followers lost that day."),
    ),
    primary_key=("account_id", "date"),
    made="block",
)

AUDIENCE = Table(
    "audience",
    "Audience breakdown of each account at the end of the period by age group, gender and country.",
    (
        Column("account_id", "id", "The account.", references="accounts.account_id"),
        Column("age_group", "category", "Age band of the segment.", categories=AGE_GROUPS),
        Column("gender", "category", "Gender of the segment as reported by the platform.", categories=GENDERS),
        Column("country", "str", "ISO 3166-1 alpha-2 country of the segment."),
        _count("followers", "Followers in the segment; per account they sum to the last followers_daily value."),
        _count("engaged_users", "Followers in the segment who engaged at least once during the period; <= followers."),
        _count("engagements", "Engagements by the segment's followers during the period."),
    ),
    primary_key=("account_id", "age_group", "gender", "country"),
    made="block",
)

CAMPAIGNS = Table(
    "campaigns",
    "Paid campaigns. Campaigns that share a test_id are the A and B arms of one A/B test.",
    (
        Column("campaign_id", "id", "Campaign identifier, `CP` + digits."),
        Column("brand_id", "id", "Brand paying for the campaign.", references="brands.brand_id"),
        Column("platform", "category", "Platform the ads ran on.", categories=PLATFORMS),
        Column("objective", "category", "Optimisation objective.", categories=OBJECTIVES),
        Column("test_id", "id", "A/B test identifier, `T` + digits; missing when the campaign is not part of a test.", nullable=True),
        Column("variant", "category", "Arm of the A/B test (A is the control); missing outside tests.", categories=VARIANTS, nullable=True),
        Column("start_date", "date", "First day of delivery.", "UTC day"),
        Column("end_date", "date", "Last day of delivery (inclusive).", "UTC day"),
        Column("currency", "str", "Currency of budget, spend and revenue: the brand's (brands.currency). CLP and COP "
               "amounts have no decimals, as in the ad platforms.", references="fx_rates.currency"),
        Column("budget", "float", "Lifetime budget, a round figure set by the team.", "currency"),
        Column("spend", "float", "Amount spent; spend <= budget. Platforms pace a budget to spend it nearly in full; "
               "a campaign whose audience is too small for its budget under-delivers (then its frequency, "
               "impressions / reach, is high).", "currency"),
        _count("impressions", "Ad impressions."),
        _count("reach", "People who saw the ads at least once; reach <= impressions. Awareness campaigns are bought "
               "for reach (cost per 1,000 people reached), not for conversions."),
        _count("clicks", "Ad clicks; clicks <= impressions. CTR = clicks / impressions."),
        _count("conversions", "Conversions attributed to the campaign (purchases or leads, the advertiser's conversion "
               "event); conversions <= clicks. Campaigns not optimised for conversions (awareness, engagement) "
               "get few."),
        Column("revenue", "float", "Conversion value attributed to the campaign (order values, or the value the "
               "advertiser gives a lead). ROAS = revenue / spend.", "currency"),
    ),
    primary_key=("campaign_id",),
)

COMMENTS = Table(
    "comments",
    "A sample of comments (at most a few per post) with their text.",
    (
        Column("comment_id", "id", "Comment identifier, `C` + digits."),
        Column("post_id", "id", "Commented post.", references="posts.post_id"),
        Column("created_at", "timestamp", "When the comment was written; never before the post.", "UTC"),
        Column("author_handle", "str", "Handle of the commenter."),
        Column("text", "str", "Comment text (language follows the dataset's locale)."),
        _count("likes", "Likes on the comment."),
    ),
    primary_key=("comment_id",),
    made="block",
)

INFLUENCERS = Table(
    "influencers",
    "Creators a brand could hire, as listed by an influencer marketplace.",
    (
        Column("influencer_id", "id", "Influencer identifier, `I` + digits."),
        Column("handle", "str", "Public handle."),
        Column("platform", "category", "Main platform.", categories=PLATFORMS),
        Column("niche", "category", "Content niche.", categories=NICHES),
        Column("country", "str", "The creator's home country, ISO 3166-1 alpha-2."),
        _count("followers", "Followers as displayed (may include bought followers)."),
        Column("avg_likes", "float", "Average likes over the last 30 posts."),
        Column("avg_comments", "float", "Average comments over the last 30 posts."),
        _count("posts_30d", "Posts in the last 30 days."),
        Column("rate_per_post", "float", "Asking price for one sponsored post, in the marketplace's listing "
               "currency (`currency`), whatever the creator's country.", "currency"),
        Column("currency", "str", "The marketplace's listing currency, the same for every creator: the world's base "
               "currency (fx_rates.base_currency).", references="fx_rates.currency"),
        Column("max_weekly_gain_pct", "float", "Follower history: the largest week-on-week follower gain of the "
               "last 26 weeks, in % of current followers.", "%"),
        Column("audience_home_share", "float", "Share of the followers located in the creator's home country "
               "(0-1).", "share"),
    ),
    primary_key=("influencer_id",),
)

FX_RATES = Table(
    "fx_rates",
    "Exchange rates from every currency of the world to its base (reporting) currency. One rate per currency for "
    "the whole period: the reference rate of the first working day of 2025, a fixed budget rate as "
    "constant-currency reports use. To compare or add up money of brands in different currencies, divide each "
    "amount by its currency's units_per_base first.",
    (
        Column("currency", "str", "ISO 4217 code."),
        Column("base_currency", "str", "The world's reporting currency (USD in en_US worlds, EUR in fr_FR and es_ES), "
               "the same on every row; its own row has units_per_base 1."),
        Column("units_per_base", "float", "Units of `currency` for one unit of base_currency, the way the ECB quotes the "
               "euro (1 EUR = 1.0321 USD). Amount in the base currency = amount / units_per_base.",
               "currency per base"),
        Column("rate_date", "date", "Day the rate was published.", "day"),
        Column("source", "str", "Who published the rate (rates the ECB does not quote are crossed through the US "
               "dollar)."),
    ),
    primary_key=("currency",),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (BRANDS, ACCOUNTS, POSTS, POST_DAILY, FOLLOWERS_DAILY, AUDIENCE, CAMPAIGNS, COMMENTS, INFLUENCERS,
              FX_RATES)
}

# Per-row labels a learner must infer; saved under truth/ beside the tables, never inside them.
TRUTH_TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "post_labels",
            "Planted per-post labels.",
            (
                Column("post_id", "id", "The post.", references="posts.post_id"),
                Column("is_bot_spike", "bool", "Likes were inflated by bots (no matching comments or saves)."),
                Column("is_viral", "bool", "The post went viral (reach multiplied far beyond its account's usual)."),
            ),
            primary_key=("post_id",),
            made="block",
        ),
        Table(
            "comment_labels",
            "Planted per-comment labels.",
            (
                Column("comment_id", "id", "The comment.", references="comments.comment_id"),
                Column("sentiment", "category", "Sentiment the text was written with.", categories=("negative", "neutral", "positive")),
                Column("is_bot", "bool", "Written by a spam bot."),
            ),
            primary_key=("comment_id",),
            made="block",
        ),
        Table(
            "influencer_labels",
            "Planted per-influencer labels.",
            (
                Column("influencer_id", "id", "The influencer.", references="influencers.influencer_id"),
                Column("has_bought_followers", "bool", "Displayed followers include bought, inactive followers."),
                _count("real_followers", "Followers who are real people."),
                Column("bought_share", "float", "Share of the displayed followers that were bought (0 for honest "
                       "creators, 0.1-0.7 for cheaters).", "share"),
            ),
            primary_key=("influencer_id",),
        ),
    )
}

#: Tables made block by block of brands, and those made once for the whole world (see ``Table.made``).
BLOCK_TABLES = tuple(name for name, t in TABLES.items() if t.made == "block")
WORLD_TABLES = tuple(name for name, t in TABLES.items() if t.made == "world")
#: Per-row label tables made block by block (influencer labels are world-wide).
BLOCK_LABELS = tuple(name for name, t in TRUTH_TABLES.items() if t.made == "block")
