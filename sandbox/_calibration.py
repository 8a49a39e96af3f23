"""Calibration: every realism parameter of the generator, with its source.

One table per topic; each row says where the figure comes from (see
../shared/CALIBRATION.md in the project's steering notes). "assumption" marks a
figure no source gives, chosen to be plausible and stated here so it can be
challenged.

Denominators, as used by the generator and the tests:

* ``er_impressions``: engagements / impressions per post, engagements =
  likes + comments + shares + saves (Buffer 2025 definition).
* ``er_followers``: engagements / followers per post (Rival IQ, Socialinsider
  definition). It is not set directly: it follows from ``er_impressions`` and
  the reach model, and a test checks that the per-platform medians land inside
  ``ER_FOLLOWERS_RANGE``.
"""

from __future__ import annotations

from types import MappingProxyType as _frozen

# --- Engagement rate per impression (median post), by platform -------------------------------
# Buffer 2025 (interactions / impressions) [secondary]. YouTube: assumption (no figure published).
# Facebook: Buffer's 5.07% cannot be squared with Facebook's per-follower medians (0.06-0.15%)
# and a realistic reach share, so Facebook uses the one real page of the UCI Facebook Metrics
# data (Moro, Rita & Vala 2016): 1.26% of impressions, reach 4.9% of followers.
ER_IMPRESSIONS = _frozen({
    "tiktok": 0.0486, "instagram": 0.0116, "facebook": 0.0126,
    "x": 0.0231, "linkedin": 0.0650, "youtube": 0.0330,
})

# Published per-follower medians: the test range is [lowest source / 1.5, highest source * 1.5].
# Rival IQ 2023 (2022 data), Rival IQ 2024 [secondary], Socialinsider 2026 [secondary].
ER_FOLLOWERS_SOURCES = _frozen({
    "tiktok": (0.0569, 0.0263, 0.0370),
    "instagram": (0.0047, 0.0048),
    "facebook": (0.0006, 0.00063, 0.0015),
    "x": (0.00035, 0.0012),
    "linkedin": (0.0385,),
})
ER_FOLLOWERS_RANGE = _frozen({
    p: (min(v) / 1.5, max(v) * 1.5) for p, v in ER_FOLLOWERS_SOURCES.items()
})

# --- Reach model ----------------------------------------------------------------------------
# Reach per post as a share of followers falls with account size: ~36% under 10k followers,
# ~15% over 500k (Bazaarvoice 2021) => share = base * (followers / 10k) ** -REACH_SIZE_EXPONENT
# with exponent ln(0.36/0.15) / ln(50) = 0.224. The per-platform base is solved from the
# published per-follower and per-impression engagement rates (er_followers / er_impressions
# = impressions per follower), e.g. Instagram 0.48% / 1.16% = 0.41 impressions per follower
# (Instagram and LinkedIn raised in data model v3 to land on their medians again once engagement
# per post spreads lopsidedly).
REACH_SIZE_EXPONENT = 0.224
REACH_SHARE_AT_10K = _frozen({
    "instagram": 0.45, "tiktok": 0.80, "facebook": 0.073,  # facebook: 4.9% at 60k followers (UCI)
    "x": 0.040, "linkedin": 0.63, "youtube": 0.30,  # youtube: assumption
})
# Impressions per reached account (repeat views), median post. Facebook: the UCI Facebook
# Metrics page (Moro et al. 2016) has lifetime impressions / reach with IQR 1.66-1.88, median
# ~1.77. Other platforms: assumption (1.2-1.4). The ratio varies per post: (ratio - 1) is
# log-normal with REPEAT_VIEW_SIGMA (Facebook 0.21 reproduces the UCI IQR; others assumption).
IMPRESSIONS_PER_REACH = _frozen({
    "instagram": 1.25, "tiktok": 1.35, "facebook": 1.77, "x": 1.20, "linkedin": 1.20, "youtube": 1.40,
})
REPEAT_VIEW_SIGMA = _frozen({
    "instagram": 0.35, "tiktok": 0.35, "facebook": 0.21, "x": 0.35, "linkedin": 0.35, "youtube": 0.35,
})
# Log-normal spread of reach per post around the account's expectation (heavy tail;
# Van Mieghem et al.: popularity is close to log-normal). 1.15 puts ~12% of an account's
# engagements on its top 1% of posts and mean/median impressions near 2 before viral and
# boosted posts add to the tail (UCI Facebook Metrics page: 13.4% and 3.27). Account-level
# spread of the reach share (some accounts are liked by the algorithm): assumption.
REACH_POST_SIGMA = 1.15
REACH_ACCOUNT_SIGMA = 0.25
# Engagement rate per post within one account. The UCI Facebook Metrics page's organic photo posts
# (302 posts, Moro et al. 2016) spread widely and lopsidedly: ER per impression p10 0.32%, median
# 1.56%, p90 2.83% (p90/p10 8.8), so log ER falls far further below the median (a flop) than above
# it; and posts that reach more people engage a smaller share of them (corr(log impressions,
# log ER) = -0.40), which leaves Spearman(likes, impressions) at 0.68. Modelled as a split normal
# of log ER (ER_POST_SIGMA_UP above the median, ER_POST_SIGMA_DOWN below) times the post's reach
# noise to the power -ER_REACH_ELASTICITY; values fitted to those UCI figures.
ER_POST_SIGMA_UP = 0.40
ER_POST_SIGMA_DOWN = 1.0
ER_REACH_ELASTICITY = 0.35
ER_ACCOUNT_SIGMA = 0.25
# Industries differ several-fold in engagement per follower: Rival IQ's 2025 benchmark report puts
# the median Instagram brand of its industries between 0.14% (Health & Beauty) and 2.10% (Higher
# Education), with Sports Teams at 1.30% [secondary: apaya.com, outfame.com, quoting the report];
# its TikTok report ranks Travel and Sports Teams near the top. Each account's engagement per
# follower is multiplied by its industry's factor (divided by their geometric mean, so platform
# medians keep their calibrated values): sports and beauty from those figures (1.30% and 0.14%
# against an all-industry median near 0.47%), the others assumption, ordered as Rival IQ ranks
# them. Per follower = reach per follower x engagements per impression: the factor goes
# INDUSTRY_REACH_SHARE (in log) to reach, the rest to the rate per impression (assumption: fans of
# engaging industries also see more of their posts).
ER_INDUSTRY = _frozen({
    "sports": 2.6, "travel": 1.5, "food_beverage": 1.1, "health": 0.8, "finance": 0.7, "technology": 0.7,
    "media": 0.6, "retail": 0.6, "fashion": 0.5, "beauty": 0.35,
})
INDUSTRY_REACH_SHARE = 0.4

# Format reach multipliers. Instagram: reels reach 2.25x single images and 1.36x carousels
# (10k posts [secondary]) => image 1, carousel 1.65, reel 2.25. Other platforms: assumption,
# video formats reach further, text and links less.
FORMAT_REACH = _frozen({
    "instagram": {"image": 1.0, "carousel": 1.65, "reel": 2.25},
    "tiktok": {"video": 1.0, "carousel": 0.8, "live": 0.6},
    "facebook": {"image": 1.0, "video": 1.3, "link": 0.7, "text": 0.6},
    "x": {"text": 1.0, "image": 1.3, "video": 1.4, "link": 0.8},
    "linkedin": {"text": 1.0, "image": 1.2, "document": 1.5, "video": 1.1},
    "youtube": {"video": 1.0, "short": 1.8, "live": 0.5},
})
# Share of posts in each format (assumption, shaped on brand practice).
FORMAT_MIX = _frozen({
    "instagram": {"image": 0.35, "carousel": 0.30, "reel": 0.35},
    "tiktok": {"video": 0.75, "carousel": 0.17, "live": 0.08},
    "facebook": {"image": 0.40, "video": 0.25, "link": 0.20, "text": 0.15},
    "x": {"text": 0.40, "image": 0.30, "video": 0.15, "link": 0.15},
    "linkedin": {"text": 0.25, "image": 0.35, "document": 0.15, "video": 0.25},
    "youtube": {"video": 0.55, "short": 0.35, "live": 0.10},
})

# --- Engagement composition -----------------------------------------------------------------
# Share of engagements that are likes / comments / shares / saves. Instagram from average likes
# and saves per post (image 1,009 likes, 62 saves). Facebook from the UCI Facebook Metrics page's
# organic posts (Moro et al. 2016): comments / likes 0.042, shares / likes 0.16 (summed over posts;
# the comments share below is smaller because its per-post noise raises the sum). Others
# assumption. Comments correlate least with impressions (0.16 vs likes 0.85, shares 0.59, saves
# 0.55): extra per-post noise below.
ENGAGEMENT_MIX = _frozen({
    "instagram": (0.86, 0.03, 0.04, 0.07),
    "tiktok": (0.86, 0.03, 0.06, 0.05),
    "facebook": (0.831, 0.026, 0.133, 0.01),
    "x": (0.70, 0.08, 0.17, 0.05),
    "linkedin": (0.85, 0.09, 0.05, 0.01),
    "youtube": (0.90, 0.06, 0.03, 0.01),
})
# Extra log-normal noise per metric, (likes, comments, shares, saves): sets the correlations.
ENGAGEMENT_NOISE_SIGMA = (0.10, 1.00, 0.45, 0.50)

# Paid impressions engage less than organic ones: the UCI Facebook Metrics page's paid posts
# engage 0.88x as much per impression as its organic posts (Moro et al. 2016); PAID_ER is set a
# little below so that the measured ratio (medians, with the lopsided per-post spread) lands on
# 0.88. Viral posts
# reach people far outside the usual audience: their rate per impression falls as
# viral_multiplier ** VIRAL_ER_EXPONENT (assumption).
PAID_ER = 0.85
VIRAL_ER_EXPONENT = -0.3

# Platforms whose organic posts carry clickable links. Instagram and TikTok make links in
# captions unclickable (platform help pages); there only boosted posts (ads with a call-to-action
# button) get link clicks.
LINK_PLATFORMS = frozenset({"facebook", "x", "linkedin", "youtube"})
# Link clicks per impression for organic posts. Link posts: Facebook ads CTR 0.90% (WordStream
# 2017) as the order of magnitude; other formats carry a profile/CTA link only (assumption).
LINK_CTR = _frozen({"link": 0.009, "default": 0.0015})
# Video views, as each platform counts them. A view is never one account: every platform counts repeat views.
# Full-screen feeds (Instagram Reels, TikTok, YouTube Shorts) count plays: a video starts as it is shown and
# every replay or loop counts again ("views" on Reels count replays, Instagram Help; Shorts views count each
# start or replay since 31 March 2025, YouTube Help), so plays exceed the accounts reached. On YouTube long
# videos the accounts reached are the unique viewers (YouTube Studio) and views count each of their views.
# Views per account reached, median post: assumption (1.1-1.3), checked against what a viewer of each
# platform does after watching: TikTok brands' engagements per view 4.14% (Rival IQ 2023 TikTok benchmark,
# median brand) and 5.38% (Socialinsider 2023, 600k videos); YouTube likes per view "average 4-6%"
# [secondary: creator guides, veefly.com, famups.com]. The replays (views - reach) vary per post
# (log-normal, VIDEO_REPLAY_SIGMA; assumption).
VIEWS_PER_REACH = _frozen({
    ("instagram", "reel"): 1.30, ("tiktok", "video"): 1.20, ("tiktok", "live"): 1.10, ("youtube", "short"): 1.30,
    ("youtube", "video"): 1.15, ("youtube", "live"): 1.05,
})
VIDEO_REPLAY_SIGMA = 0.5
# Engagements per video view, median post, by platform and format (the test ranges; engagements = likes +
# comments + shares + saves): TikTok video 4.14-5.38% (Rival IQ 2023, Socialinsider 2023) -> 3-9%; YouTube
# long videos and Shorts: likes per view 4-6% on average, under 2% "low" [secondary: creator guides] ->
# engagements 1.5-10%.
# Instagram Reels, TikTok LIVE, YouTube live and the feed videos below: no published figure; they follow from
# the calibrated engagement per impression and are only checked to stay below one engagement in three views.
ER_PER_VIEW_RANGE = _frozen({
    ("tiktok", "video"): (0.03, 0.09), ("youtube", "video"): (0.015, 0.10), ("youtube", "short"): (0.015, 0.10),
})
ER_PER_VIEW_CEILING = 0.33
# Feeds where a video sits among posts count a view at 3 s (2 s on LinkedIn) of play, per impression. Feeds
# autoplay, so a view is a scroll stopped: Meta's "hook rate" (3-second views / impressions) has a median of
# 25-30% on Facebook (conversion.studio, eonik.ai 2026 [secondary]). X, LinkedIn: assumption (LinkedIn counts a
# view at 2 s with half the player on screen, and its engagement per impression is the highest).
VIDEO_VIEW_RATE = _frozen({("facebook", "video"): 0.27, ("x", "video"): 0.18, ("linkedin", "video"): 0.35})
# Every account that liked or commented watched: where the drawn views fall short of them, views are the
# engagers divided by a share of engaging viewers drawn in this range (assumption).
ENGAGED_VIEWER_SHARE = (0.3, 0.6)
VIDEO_VIEW_SIGMA = 0.35  # per-post log-normal spread of the view rate (assumption)

# --- Posting cadence ------------------------------------------------------------------------
# Posts per week: Facebook 5.04, Instagram 4.5, X 3.9 (Rival IQ 2023); others assumption.
POSTS_PER_WEEK_SOURCES = _frozen({"facebook": 5.04, "instagram": 4.5, "x": 3.9})
POSTS_PER_WEEK = _frozen({
    "facebook": 5.04, "instagram": 4.5, "x": 3.9, "tiktok": 3.5, "linkedin": 2.5, "youtube": 1.5,
})
# Probability that a brand runs an account on each platform (assumption).
PLATFORM_ADOPTION = _frozen({
    "instagram": 0.95, "facebook": 0.85, "x": 0.60, "linkedin": 0.60, "tiktok": 0.55, "youtube": 0.40,
})
# Posting hours in the brand's LOCAL time: brands post in the working day, a few at night
# (assumption; Sprout Social's best times, 8:00-14:00 local, sit inside it). 2.7% of the weight
# falls on 00:00-06:00, under the 5% the issue allows.
POSTING_HOUR_WEIGHTS = (
    0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 3.4, 3.4, 3.2,
    3.2, 3.2, 3.2, 3.0, 2.8, 2.6, 2.4, 2.0, 1.6, 1.0, 0.6, 0.3,
)
# Posting weekdays Mon..Sun: the shape inside the working week and the weekend (Saturday a little
# busier than Sunday; assumption). How much of a platform's posting falls on the weekend is set by
# WEEKEND_POST_SHARE, not by these weights.
POSTING_WEEKDAY_WEIGHTS = (1.0, 1.0, 1.0, 1.0, 1.0, 0.55, 0.45)
# Share of a platform's brand posts published on Saturday and Sunday (local time). Brands post less at
# weekends (2 days of 7 would be 28.6%): TrackMaven found 13.1% of brands' content published at
# weekends (Saturday 6.3%, Sunday 6.8%; 4,618 posts [secondary: kitestring.io, brafton.com]);
# Socialbakers found brands less likely to post on Facebook at weekends (2.9M posts of 23,000 pages
# [secondary: demandmetric.com]); the posting-time studies of Sprout Social, Hootsuite and HubSpot all
# put LinkedIn's weekends last (a working-week network). The ranges are assumption around those
# figures: every platform below 28.6%, LinkedIn lowest, the consumer feeds (where brands keep a
# weekend presence) highest, video (produced and published in the working week) in between. Each
# world draws one share per platform inside its range.
WEEKEND_POST_SHARE = _frozen({
    "instagram": (0.14, 0.25), "facebook": (0.14, 0.25), "x": (0.08, 0.20), "tiktok": (0.04, 0.12),
    "youtube": (0.04, 0.12), "linkedin": (0.02, 0.06),
})
# Habits: each account has two habitual local posting hours (drawn from the weights above, night
# hours 00:00-06:00 excluded) and
# puts HABIT_SHARE of its posts there; its format and topic mix are Dirichlet draws around the
# platform's format mix and the industry's topic mix with these concentrations (assumption:
# social teams work to a schedule and a content calendar).
HABIT_SHARE = 0.6
FORMAT_MIX_CONCENTRATION = 12.0
TOPIC_MIX_CONCENTRATION = 15.0
# Topics an industry favours: weight INDUSTRY_TOPIC_WEIGHT against 1 for the others (assumption).
INDUSTRY_TOPICS = _frozen({
    "fashion": ("product", "user_generated", "promotion"), "beauty": ("product", "education", "user_generated"),
    "food_beverage": ("product", "promotion", "behind_the_scenes"), "technology": ("product", "education", "news"),
    "travel": ("entertainment", "user_generated", "behind_the_scenes"), "sports": ("community", "entertainment", "news"),
    "finance": ("education", "news", "community"), "media": ("news", "entertainment", "education"),
    "retail": ("promotion", "product", "community"), "health": ("education", "community", "behind_the_scenes"),
})
INDUSTRY_TOPIC_WEIGHT = 3.0
# Seasonality of reach by month, Jan..Dec, scaled by a per-world amplitude: holiday peak in
# November-December, summer dip in July-August (assumption; "modest": the amplitude is 5-15%).
SEASON_SHAPE = (-0.2, -0.3, 0.0, 0.0, 0.1, -0.2, -0.8, -1.0, 0.0, 0.2, 0.8, 1.0)
SEASON_AMPLITUDE = (0.05, 0.15)

# --- Post life and hashtags -----------------------------------------------------------------
# Mean hashtags per post by platform (assumption: Instagram and TikTok captions carry the most).
HASHTAG_MEAN = _frozen({"instagram": 5.0, "tiktok": 4.0, "linkedin": 3.0, "facebook": 2.0, "x": 2.0, "youtube": 3.0})
# Daily decay rate of a post's impressions over its first days (share on day d ~ exp(-rate * d)):
# X fastest, YouTube slowest (assumption).
DECAY_RATE = _frozen({"x": 2.0, "facebook": 1.2, "instagram": 0.9, "linkedin": 0.7, "tiktok": 0.5, "youtube": 0.35})
# New accounts reached decay faster than repeat views: reach / impressions falls day by day
# (assumption). Impressions of day d = new accounts of day d + repeat views of day d.
REACH_DECAY_FACTOR = 1.3
REPEAT_DECAY_FACTOR = 0.7
# Each post decays at its own pace: the platform's rate times a log-normal factor (assumption: one
# post is picked up again by the algorithm, another dies in hours).
DECAY_POST_SIGMA = 0.45
# Share of a day's repeat views that come from accounts that saw the post on an earlier day (they count
# again in that day's unique reach, so daily reach sums to more than the lifetime reach; assumption).
RETURNING_SHARE = 0.5

# --- Audience -------------------------------------------------------------------------------
# Age mix of followers by platform, AGE_GROUPS order (assumption shaped on platform
# demographics: TikTok young, LinkedIn working age, Facebook older).
AGE_MIX = _frozen({
    "instagram": (0.06, 0.30, 0.31, 0.17, 0.09, 0.05, 0.02),
    "tiktok": (0.15, 0.38, 0.25, 0.12, 0.06, 0.03, 0.01),
    "facebook": (0.02, 0.15, 0.25, 0.20, 0.16, 0.13, 0.09),
    "x": (0.04, 0.25, 0.33, 0.18, 0.10, 0.07, 0.03),
    "linkedin": (0.00, 0.18, 0.40, 0.22, 0.12, 0.06, 0.02),
    "youtube": (0.10, 0.25, 0.25, 0.17, 0.11, 0.08, 0.04),
})
# Share of female followers by brand industry (others 0.5), unknown gender share, share of
# followers from the brand's home country (assumption).
FEMALE_SHARE = _frozen({"fashion": 0.72, "beauty": 0.8, "sports": 0.35, "technology": 0.35, "finance": 0.4})
UNKNOWN_GENDER = 0.04
HOME_COUNTRY_SHARE = (0.55, 0.85)
# Share of followers who engage at least once a year, and engagements per engaged follower
# (assumption, ordered like the per-follower engagement rates above).
ENGAGED_RATE = _frozen({"instagram": 0.12, "tiktok": 0.20, "facebook": 0.03, "x": 0.04, "linkedin": 0.15, "youtube": 0.08})
ENGAGEMENTS_PER_ENGAGED = 3.0

# --- Comments -------------------------------------------------------------------------------
# Sentiment mix of ordinary comments: negative, neutral, positive (assumption); spam bot share
# of comments (assumption); median delay between a post and its comments, hours (assumption).
COMMENT_SENTIMENT = (0.15, 0.30, 0.55)
COMMENT_BOT_SHARE = 0.05
COMMENT_DELAY_HOURS_MEDIAN = 3.0

# --- Campaign volume ------------------------------------------------------------------------
# Paid campaigns per brand per year and median budget of a single campaign, USD (assumption).
CAMPAIGNS_PER_BRAND_YEAR = 5
CAMPAIGNS_BUDGET_MEDIAN = 4000.0

# --- Influencer platforms -------------------------------------------------------------------
# Where marketplace creators live and how their engagement compares with Instagram's (assumption:
# TikTok creators engage most, X and Facebook least, as in the brand figures above).
INFLUENCER_PLATFORMS = _frozen({"instagram": 0.45, "tiktok": 0.30, "facebook": 0.08, "x": 0.05,
                                "linkedin": 0.04, "youtube": 0.08})
INFLUENCER_PLATFORM_ER = _frozen({"instagram": 1.0, "tiktok": 1.8, "facebook": 0.4, "x": 0.3,
                                  "linkedin": 0.8, "youtube": 0.9})
# A creator's posts in 30 days, by platform (assumption: YouTubers publish a few long videos a month, TikTokers
# most days, X accounts several posts a day; a practitioner's review found 12 on every platform unreal).
INFLUENCER_POSTS_30D = _frozen({"instagram": 12, "tiktok": 20, "youtube": 4, "facebook": 12, "x": 45, "linkedin": 8})

# --- Accounts -------------------------------------------------------------------------------
# When brands could first open an account: TikTok's international app since 2 August 2018 (musical.ly merged
# into it; TikTok newsroom); the others opened well before the oldest accounts drawn (2014). A handle's
# longest length: X 15 characters (X Help Center, "Choosing a username"), Instagram 30, TikTok 24, YouTube 30,
# Facebook 50, LinkedIn vanity URLs 100 (each platform's help pages).
PLATFORM_OPENED = _frozen({"tiktok": "2018-08-02"})
HANDLE_MAX = _frozen({"x": 15, "instagram": 30, "tiktok": 24, "youtube": 30, "facebook": 50, "linkedin": 100})

# --- Followers ------------------------------------------------------------------------------
# Followers at the start of the period: log-normal, median by platform (assumption), sigma 1.2.
FOLLOWERS_MEDIAN = _frozen({
    "instagram": 40_000, "facebook": 60_000, "x": 15_000, "linkedin": 12_000, "tiktok": 25_000, "youtube": 10_000,
})
FOLLOWERS_SIGMA = 1.2
# Net monthly growth: Instagram and LinkedIn 1-3%, X 0.3-1%, Facebook 0.2-0.8% [secondary]; TikTok: "across
# all account sizes, brands on TikTok are growing their followers at least 2-3% on a monthly basis; smaller
# accounts (under 50K followers) are averaging more than 5%" (Rival IQ 2022 TikTok Benchmark Report; the
# 10-20%+ [secondary] quoted before describes creators, not brands); YouTube assumption. Values sit inside
# each range; posts (reach, viral posts) and the growth phases add to them.
MONTHLY_GROWTH_SOURCES = _frozen({
    "instagram": (0.01, 0.03), "linkedin": (0.01, 0.03), "x": (0.003, 0.01), "facebook": (0.002, 0.008),
    "tiktok": (0.02, 0.05),
})
MONTHLY_GROWTH = _frozen({
    "instagram": 0.018, "linkedin": 0.018, "x": 0.006, "facebook": 0.005, "tiktok": 0.030, "youtube": 0.012,
})
# Share of followers lost per month (churn). Assumption; follows = growth + churn.
MONTHLY_CHURN = 0.008
# Growth varies between accounts: log-normal spread around the platform rate, and a share of
# stagnant accounts that lose followers (assumption: TrackMaven's 42% median growth hides a
# long tail of brands that shrink). Their net monthly change is -DECLINE_RANGE.
GROWTH_SIGMA = 0.5
DECLINING_SHARE = 0.25
DECLINE_RANGE = (0.005, 0.025)
# Follows driven by posts: new followers per account reached (assumption), split 70/30 over the
# posting day and the next. Viral posts reach people outside the usual audience, who follow far
# more readily (assumption: VIRAL_FOLLOW_BOOST times).
FOLLOWS_PER_REACH = 0.0005
VIRAL_FOLLOW_BOOST = 8.0
# Over-posting: each post beyond the first on one day adds this share to that day's unfollow rate
# (assumption).
OVERPOST_UNFOLLOW = 0.5

# --- Paid campaigns -------------------------------------------------------------------------
# Published per-platform ad benchmarks (CTR = clicks / impressions, CPC and CPM in USD). The
# test range of each is [lowest source / 1.5, highest source * 1.5]. Sources: WordStream 2017
# Facebook benchmarks (256 accounts: CTR 0.90%, CPC $1.72); ad-calc.com 2024 benchmark table
# [secondary] (CPM / CPC / CTR: Facebook 7.19 / 1.72 / 0.90%, Instagram 6.70 / 1.35 / 1.08%,
# LinkedIn 6.59 / 5.26 / 0.44%, YouTube 9.68 / 3.21 / 0.65%, TikTok 10.00 / 1.00 / 1.50%,
# X 6.46 / 0.38 / 0.86%); Prooflytics 2026 CPM ranges [secondary] (Meta 6-15, TikTok 10-20,
# LinkedIn 30-60, YouTube 5-15); wifitalents [secondary] (Facebook CPM 14.40); LinkedIn
# sponsored content CTR 0.4-0.8% [secondary].
AD_BENCHMARKS = _frozen({
    "facebook": {"ctr": (0.0090,), "cpc": (1.72,), "cpm": (7.19, 14.40, 6.0, 15.0)},
    "instagram": {"ctr": (0.0108,), "cpc": (1.35,), "cpm": (6.70, 7.91, 6.0, 15.0)},
    "tiktok": {"ctr": (0.0150,), "cpc": (1.00,), "cpm": (10.0, 20.0)},
    "x": {"ctr": (0.0086,), "cpc": (0.38,), "cpm": (6.46, 5.76)},
    "linkedin": {"ctr": (0.0044, 0.004, 0.008), "cpc": (5.26,), "cpm": (6.59, 30.0, 60.0)},
    "youtube": {"ctr": (0.0065,), "cpc": (3.21,), "cpm": (9.68, 5.0, 15.0)},
})
AD_BENCHMARK_RANGE = _frozen({
    p: {k: (min(v) / 1.5, max(v) * 1.5) for k, v in m.items()} for p, m in AD_BENCHMARKS.items()
})
# The generator's values, chosen inside those ranges so that CPC = CPM / (1000 * CTR) lands
# inside its range too (the sources cannot all be met at once). AD_CTR is the CTR of an
# engagement campaign; the objective multiplies it (traffic campaigns 1.71% and lead campaigns
# 2.59% against ~0.9-1.0% overall [secondary]).
AD_CTR = _frozen({
    "facebook": 0.0075, "instagram": 0.0080, "tiktok": 0.0115, "x": 0.0088, "linkedin": 0.0042, "youtube": 0.0055,
})
OBJECTIVE_CTR_MULTIPLIER = _frozen({"awareness": 0.6, "engagement": 1.0, "traffic": 1.8, "conversions": 1.4})
AD_CPM = _frozen({"facebook": 16.5, "instagram": 13.2, "tiktok": 14.0, "x": 4.8, "linkedin": 30.0, "youtube": 16.0})
# Conversions per click by objective (US brands, Facebook; PLATFORM_CONVERSION and the market adjust it):
# WordStream's Facebook average conversion rate is 9.21% [secondary] (campaigns optimised for conversions);
# ad-calc's cross-platform average 3.75% [secondary]. Lower-funnel objectives convert more (ordering:
# assumption); awareness campaigns are not optimised for conversions: most get none (assumption).
CONVERSION_RATE = _frozen({"awareness": 0.00007, "engagement": 0.01, "traffic": 0.02, "conversions": 0.09})
CONVERSION_RATE_SIGMA = 0.25
# Value per conversion (average order or lead value), USD at US prices, by industry (assumption; Triple
# Whale 2024, 30k ecommerce brands: average orders of $73-164 by industry [secondary]), with a log-normal
# tail per campaign (sigma REVENUE_SIGMA: some campaigns sell the expensive items).
ORDER_VALUE = _frozen({
    "fashion": 80.0, "beauty": 45.0, "food_beverage": 35.0, "technology": 220.0, "travel": 380.0,
    "sports": 90.0, "finance": 150.0, "media": 30.0, "retail": 60.0, "health": 70.0,
})
REVENUE_SIGMA = 0.3
# Amounts above are US dollars at US prices; the brand's market and currency come after (see "Money"
# below: AD_PRICE_INDEX, PRICE_LEVEL, FX_QUOTES).
# A/B tests take a minority of paid spend (assumption; the issue asks for under 40%).
AB_SPEND_SHARE_MAX = 0.40

# --- Influencers ----------------------------------------------------------------------------
# Engagement per follower falls with size (nano > micro > macro > mega); assumption in line
# with the per-follower rates above.
INFLUENCER_ER = ((10_000, 0.040), (100_000, 0.025), (1_000_000, 0.015), (float("inf"), 0.010))
# Price per sponsored post, USD per 1,000 displayed followers, by platform, for a creator of
# INFLUENCER_RATE_SIZE followers: Instagram about $10 (nano $10-100 a post for 1k-10k followers, micro
# $100-500 for 10k-100k), TikTok about a third of it (nano $5-25, micro $25-125), YouTube about twice
# (nano $20-200, micro $200-1,000) (Word on the Block 2023 influencer pricing guide; Hootsuite: Instagram
# nano $25-150 [secondary]). Facebook, X and LinkedIn: assumption. The price per 1,000 falls with size
# (macro Instagram $500-10,000 for 100k-1M): price ~ followers ** INFLUENCER_RATE_EXPONENT (assumption
# fitted to those tiers). A creator's price is that of a US creator times the creator's country's PRICE_LEVEL,
# listed in the world's base currency.
INFLUENCER_RATE_PER_1K = _frozen({"instagram": 10.0, "tiktok": 3.5, "youtube": 20.0, "facebook": 7.0, "x": 5.0,
                                  "linkedin": 15.0})
INFLUENCER_RATE_SIZE = 30_000
INFLUENCER_RATE_EXPONENT = 0.85
# The lowest price a creator asks per sponsored post, USD at US prices: the bottom of each platform's nano tier
# (1k-10k followers: Instagram $10, TikTok $5, YouTube $20; Word on the Block 2023). Facebook, X, LinkedIn:
# assumption. Above it prices are continuous; creators quote round amounts (INFLUENCER_PRICE_STEPS).
INFLUENCER_MIN_RATE = _frozen({"instagram": 10.0, "tiktok": 5.0, "youtube": 20.0, "facebook": 10.0, "x": 5.0,
                               "linkedin": 20.0})
# A quote is rounded to the step of its size: (below this amount, step), in the world's base currency.
INFLUENCER_PRICE_STEPS = ((100.0, 5.0), (1_000.0, 10.0), (float("inf"), 50.0))

# --- What a practitioner sees at a glance (data model v3) -----------------------------------------
# Each figure: (low, high, source). calibration_report measures it in a world and prints it with its
# source; "assumption" marks a range no source gives, kept conservative.
UCI_ORGANIC_PHOTOS = _frozen({  # the UCI Facebook Metrics page's 302 organic photo posts (Moro et al. 2016)
    "er_p90_p10": 8.8, "spearman_likes_impressions": 0.68, "comments_per_like": 0.042,
})
REALISM = _frozen({
    "er_p90_p10": (5.0, 15.0, "UCI Facebook Metrics organic photos: ER per impression p90/p10 8.8 within the "
                              "page (Moro et al. 2016); range assumption around one page"),
    "spearman_likes_impressions": (0.5, 0.82, "UCI Facebook Metrics organic photos: 0.68 (Moro et al. 2016); "
                                              "range assumption"),
    "facebook_comments_per_like": (0.02, 0.08, "UCI Facebook Metrics organic posts: 0.042 (Moro et al. 2016); "
                                               "range assumption"),
    "account_er_p90_p10": (2.0, 30.0, "Rival IQ 2025: industries' median Instagram ER per follower 0.14% (Health & "
                                      "Beauty) to 1.30% (Sports Teams) and 2.10% (Higher Ed) [secondary]; a small "
                                      "world's 10-15 accounts of a platform spread at least twofold (assumption)"),
    "weekend_share": (None, None, "TrackMaven: 13.1% of brand content at weekends [secondary]; Sprout Social, "
                                  "Hootsuite, HubSpot: LinkedIn's weekends last; range: WEEKEND_POST_SHARE, "
                                  "low/3..high*1.5 (a platform has a few hundred posts)"),
    "view_rate": (None, None, "VIDEO_VIEW_RATE: Meta hook rates 25-30% (conversion.studio, eonik.ai) [secondary]; "
                              "feed videos of Facebook, X, LinkedIn; x/1.5..x*1.5"),
    "views_per_reach": (1.0, 2.0, "plays (Reels, TikTok, Shorts) and YouTube views count replays: views >= accounts "
                                  "reached (Instagram Help, YouTube Help); range assumption"),
    "er_per_view": (None, None, "engagements per view: TikTok 4.14% (Rival IQ 2023), 5.38% (Socialinsider 2023); "
                                "YouTube likes per view 4-6% [secondary]; others below ER_PER_VIEW_CEILING "
                                "(assumption)"),
    "engagers_over_views": (0.0, 0.0, "every account that liked or commented watched: likes + comments <= views"),
    "flat_months": (0.05, 0.5, "account-months with under 0.25% net growth: brand follower curves plateau "
                               "(assumption; no published share)"),
    "influencer_rule_precision": (0.3, 0.9, "one rule (best week > 3% or home share < 0.5) against the planted "
                                            "labels: no single real signal is that clean (assumption)"),
    "influencer_rule_recall": (0.5, 0.95, "the same rule's recall (assumption)"),
    "influencer_price_per_1k": (None, None, "INFLUENCER_RATE_PER_1K (Word on the Block 2023, Hootsuite "
                                            "[secondary]); x/2..x*2 (tiers differ)"),
    "bought_follower_er_ratio": (0.4, 0.85, "bought followers do not engage: a creator's ER per displayed follower "
                                            "falls by about its bought share (10-70%, median ~40%), less what the "
                                            "bought likes of some make up (assumption; no published figure)"),
    "late_day0_ratio": (0.0, 0.6, "day 0 is the rest of the posting day: a post at 20-24 UTC gets a small part "
                                  "of what one at 06-11 UTC gets (follows from continuous decay)"),
    "day0_share_sd": (0.1, 0.4, "posts decay at their own pace: spread of the day-0 share (assumption)"),
    "daily_reach_over_lifetime": (1.02, 1.6, "daily reach counts the accounts of each day: summed over the days "
                                             "it exceeds lifetime reach (Instagram/Facebook Insights definitions; "
                                             "range assumption)"),
    "comment_text_reuse": (0.0, 0.4, "comments whose words (lower case, no emoji or @mention) 10+ others share: "
                                      "short stock comments repeat, most do not (assumption)"),
    "emoji_only_comments": (0.03, 0.2, "comments of emoji alone (assumption)"),
    "lowercase_comments": (0.2, 0.7, "comments starting with a lower-case letter (assumption: typed on phones)"),
    "fr_nbsp_share": (0.15, 0.7, "French comments: ! and ? after a no-break space, as typography asks "
                                 "(people type it only sometimes; brands always; assumption)"),
    "latam_vosotros": (0.0, 0.01, "comments on Latin American brands' posts in vosotros forms (ustedes there)"),
})


# --- Money: currencies follow countries, ROAS, delivery (data model v3) ---------------------
# A brand's money is in its home country's currency (ISO 4217).
COUNTRY_CURRENCY = _frozen({
    "US": "USD", "GB": "GBP", "CA": "CAD", "AU": "AUD", "IE": "EUR", "FR": "EUR", "BE": "EUR", "LU": "EUR",
    "CH": "CHF", "ES": "EUR", "MX": "MXN", "AR": "ARS", "CO": "COP", "CL": "CLP",
})
# Exchange rates: one rate per currency for the whole period, the reference rate of the first working day
# of 2025 (a fixed budget rate, as constant-currency reports use). Each quote as published: (quoted per,
# units, source). ECB euro foreign exchange reference rates of 2 January 2025 (eurofxref); the ECB quotes
# no ARS, COP or CLP: those are per USD from the country's own reference.
FX_DATE = "2025-01-02"
FX_QUOTES = _frozen({
    "USD": ("EUR", 1.0321, "ECB euro reference rate, 2 Jan 2025"),
    "GBP": ("EUR", 0.83118, "ECB euro reference rate, 2 Jan 2025"),
    "CHF": ("EUR", 0.9371, "ECB euro reference rate, 2 Jan 2025"),
    "CAD": ("EUR", 1.4885, "ECB euro reference rate, 2 Jan 2025"),
    "AUD": ("EUR", 1.6618, "ECB euro reference rate, 2 Jan 2025"),
    "MXN": ("EUR", 21.4375, "ECB euro reference rate, 2 Jan 2025"),
    "ARS": ("USD", 1032.0, "BCRA wholesale rate (Com. A 3500), close of 2024"),
    "COP": ("USD", 4409.15, "Banco de la Republica TRM in force on 1-2 Jan 2025"),
    "CLP": ("USD", 1004.0, "Bolsa Electronica de Chile close, 2 Jan 2025"),
})
# Currencies without minor units in ad accounts: Meta Marketing API currency offsets (CLP, COP: offset 1;
# the others 100 = two decimals).
CURRENCY_DECIMALS = _frozen({"CLP": 0, "COP": 0})
# What impressions cost in a country relative to the US: Superads 2025 country pages, median Meta CPM
# across all industries [secondary]: US 22.7 USD, GB ~17, AU 15.6, CA ~12.3, FR ~8, ES 6.1, CO 2.7. IE, BE,
# LU, CH, MX, AR, CL: no figure found, assumption near their neighbours (Kenshoo 2012 put Mexico at ~0.2x
# the US). Budgets follow PRICE_LEVEL, so a cheap market buys more impressions for the same effort.
AD_PRICE_INDEX = _frozen({
    "US": 1.0, "GB": 0.75, "AU": 0.69, "CA": 0.54, "IE": 0.75, "FR": 0.35, "BE": 0.40, "LU": 0.45,
    "CH": 0.75, "ES": 0.27, "MX": 0.18, "AR": 0.15, "CO": 0.12, "CL": 0.18,
})
# LinkedIn sells one professional audience in one auction: its CPMs vary far less by country than Meta's. Lever
# Digital 2026 puts UK LinkedIn CPMs at GBP 20-35 (USD 25-45), Merkelijkheid 2025 Western European B2B campaigns
# at EUR 30-100+ [secondary], near the US figures (AD_BENCHMARKS), where Meta's fall to a third (FR, ES). A
# platform's country index is AD_PRICE_INDEX ** AD_PRICE_ELASTICITY (1 = Meta's scale; LinkedIn assumption in
# line with those figures: France 0.69, Spain 0.63, Colombia 0.48 of the US).
AD_PRICE_ELASTICITY = _frozen({"linkedin": 0.35})
# LinkedIn CPM outside the US, USD (the calibration report's range): Lever Digital UK USD 25-45, Merkelijkheid
# EUR 30-100+ [secondary]; low end: UK low end /2.5 (awareness buys the cheapest impressions, cheaper markets).
LINKEDIN_CPM_ABROAD = (10.0, 100.0)
# Superads 2025 Meta CPM (USD, median, all industries) by country, for the calibration report.
META_CPM_BY_COUNTRY = _frozen({"US": 22.7, "CA": 12.3, "AU": 15.6, "FR": 8.0, "ES": 6.1, "CO": 2.7})
# Price level of what brands sell, US = 1 (assumption in the order of OECD comparative price levels):
# order values and budgets scale with it. Conversions per click scale with AD_PRICE_INDEX / PRICE_LEVEL,
# so that ROAS does not depend on the market and the cost per conversion follows the price level
# (Superads 2025: Spain's Meta CPM is 0.27x the US one but its cost per purchase 0.88x, Canada 0.54x
# and 0.89x [secondary]).
PRICE_LEVEL = _frozen({
    "US": 1.0, "GB": 0.95, "AU": 0.95, "CA": 0.85, "IE": 1.05, "FR": 0.85, "BE": 0.90, "LU": 1.0,
    "CH": 1.25, "ES": 0.75, "MX": 0.60, "AR": 0.50, "CO": 0.40, "CL": 0.60,
})
# What an impression costs by objective, relative to the platform's CPM (assumption: conversion-optimised
# delivery bids for the likeliest buyers and costs more per impression than reach-optimised awareness,
# which buys the cheapest impressions [secondary]).
OBJECTIVE_CPM_MULTIPLIER = _frozen({"awareness": 0.55, "engagement": 0.8, "traffic": 1.0, "conversions": 1.6})
# Conversions per click by platform, relative to CONVERSION_RATE (assumption: X and TikTok clicks, the
# cheapest, convert least; LinkedIn lead forms convert well). Set so that each platform's median ROAS
# lands in ROAS_SOURCES.
PLATFORM_CONVERSION = _frozen({"facebook": 0.85, "instagram": 0.65, "tiktok": 0.55, "x": 0.2, "linkedin": 2.0,
                               "youtube": 1.3})
# Dearer orders convert less: conversions per click scale as (order value / median) ** -this (assumption;
# without it a travel brand's ROAS would be 25 times a media brand's).
CONVERSION_VALUE_ELASTICITY = 0.7
# Average frequency (impressions / people reached) by objective (assumption: Meta's reach objective caps
# frequency, conversion campaigns retarget the same people). Platforms spend a lifetime budget nearly in
# full; a campaign under-delivers when its audience is too small for its budget: it then shows its ads
# to the same people again and again (UNDER_DELIVERY_FREQUENCY times the usual frequency). Assumption.
FREQUENCY = _frozen({"awareness": 1.3, "engagement": 1.8, "traffic": 2.0, "conversions": 2.4})
FULL_DELIVERY_SHORTFALL = 0.004   # mean share of the budget left unspent (exponential) by a normal campaign
UNDER_DELIVERY_SHARE = 0.04
UNDER_DELIVERY_RANGE = (0.45, 0.9)
UNDER_DELIVERY_FREQUENCY = 3.0
# A/B tests of creatives: B's creative moves the click-through rate too (relative change, normal with
# this standard deviation; assumption), besides its planted conversion-rate lift.
AB_CTR_LIFT_SD = 0.15
