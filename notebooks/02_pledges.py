# %% [markdown]
# # 北仑“四倍增”与“五跃升”
#
# 方案把四项指标称为“四倍增”（到 2025 年翻一番），五项称为“五跃升”。这里按方案自己的对比
# （2025 年目标 ÷ 2020 年基数）复核，并在口径不同时（例如 5 年累计值对一年基数）按同口径重算。
# 翻一番在 5 年内需要年均增长 2^(1/5) − 1 = 14.87%。

# %% tags=["parameters"]
district = "beilun"

# %%
import pandas as pd
from IPython.display import HTML, display

from helpers import load_indicators
from helpers.pledges import doubling_check, leap_check
from helpers.report import REPORT_CSS, facts_html, pledge_facts, prepare_report

pd.set_option("display.max_colwidth", 120)
df = load_indicators()

# %%
rep = prepare_report(district, df=df)
display(HTML(REPORT_CSS + facts_html(pledge_facts(rep))))

# %% [markdown]
# ## 四倍增：是否翻一番（按方案口径与同口径）

# %%
dbl = doubling_check(df, district)
dbl[["name_zh", "base_year", "base_value", "end_year", "end_value", "unit", "multiple",
     "implied_cagr", "doubles", "like_for_like", "lfl_basis", "lfl_multiple",
     "doubles_like_for_like", "caveat_zh"]]

# %% [markdown]
# ## 五跃升：跃升幅度与翻番速度的比较

# %%
leap = leap_check(df, district)
leap[["name_zh", "leap_zh", "implied_annual", "doubling_pace", "vs_doubling",
      "faster_than_doubling", "note_zh"]]
