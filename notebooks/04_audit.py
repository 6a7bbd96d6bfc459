# %% [markdown]
# # 文件核查
#
# 一位细心的读者会核对的地方：正文数字与表格是否一致、逐年数相加是否等于合计、
# “新增”与存量增量是否相符、累计或存量是否下降、增速目标与总量目标是否吻合。
# 每项检查都列出（通过的也列），并附原文。

# %% tags=["parameters"]
district = None

# %%
import pandas as pd
from IPython.display import HTML, display

from helpers import load_indicators
from helpers.audit import KIND_ZH, audit, audit_summary
from helpers.report import REPORT_CSS, SEVERITY_ZH, html_table

pd.set_option("display.max_colwidth", 200)
df = load_indicators()
findings = audit(df, district)
display(HTML(REPORT_CSS))
audit_summary(findings)

# %% [markdown]
# ## 发现的问题（按区、严重程度）

# %%
found = findings[findings["status"] == "finding"].assign(
    严重程度=lambda f: f["severity"].map(SEVERITY_ZH), 类型=lambda f: f["kind"].map(KIND_ZH))
display(HTML(html_table(found[["district", "严重程度", "类型", "indicator_id", "year", "detail", "quotes"]]
                        .rename(columns={"district": "区", "indicator_id": "指标", "year": "年份",
                                         "detail": "说明", "quotes": "原文"}),
                        group="区", wrap=["说明"], quote=["原文"])))

# %% [markdown]
# ## 全部检查（含通过的）

# %%
findings[["district", "indicator_id", "kind", "status", "severity", "year", "detail"]]
