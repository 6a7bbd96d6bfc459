# %% [markdown] tags=["remove-cell"]
# # 区县制造业“腾笼换鸟、凤凰涅槃”指标报告（模板）
#
# 本笔记本是报告模板：`python -m helpers.runner`（`make reports`）用 papermill 为每个区执行一次，
# 并渲染为不含代码的 HTML。参数见下一个单元格；所有计算都在 `helpers` 中，这里只负责调用和展示。

# %% tags=["parameters"]
district = "beilun"
end_year = None
actuals_path = None
method = "opensdg"

# %% tags=["remove-cell"]
from IPython.display import HTML, display

from helpers import data_version, report
from helpers.plotting import show

rep = report.prepare_report(district, end_year=end_year, actuals_path=actuals_path, method=method)
display(HTML(report.style_html()))  # for JupyterLab; the rendered page carries its own stylesheet

# %%
display(HTML(report.title_html(rep)))

# %% [markdown]
# ## 一、摘要

# %%
display(report.headline_display(rep))

# %% [markdown]
# ## 二、指标一览
#
# 每行一项量化指标：基期值与逐年目标均按原文单位列出；“隐含年均变化”按指标类型计算——
# 总量、存量和指数用年均复合增速，“累计新增”类用年均新增量（自基期年末从 0 起算），
# 每年新增类用年均数额，占比用百分点，累计降低率用年均降幅，增速目标即原文增速。

# %%
display(HTML(report.indicator_table_html(rep)))

# %% [markdown]
# ## 三、目标轨迹
#
# 黑色方块为基期值，蓝点为逐年目标（末年标注数值），橙色虚线为从起点到期末目标的平滑路径
# （“里程碑拟合”：各图左上角写明中期目标相对这条路径是超前、符合还是滞后），红色菱形为录入的实际值。

# %%
for title, fig in report.trajectory_figures(rep):
    show(fig)
display(HTML(report.trajectory_note_html(rep)))

# %% [markdown]
# ## 四、文件核查
#
# 逐项核对正文与表格、逐年数与合计、累计与存量、增速目标与总量目标是否一致。

# %%
display(HTML(report.audit_html(rep)))

# %% [markdown]
# ## 五、与其他区比较
#
# 只比较各区使用同一指标（同一口径、同一单位）的年均变化；各区方案起止年份不同，括号内为所用年份。

# %%
display(HTML(report.standing_html(rep)))
show(report.standing_figure(rep))

# %% [markdown]
# ## 六、实际进展
#
# 有实际值的指标按所选方法判定状态（已达标 / 进度正常 / 需加快 / 进展有限 / 倒退），
# 并列出每个实际值的来源；没有实际值的指标标为“无数据”，不作推测。

# %%
display(HTML(report.progress_html(rep)))
