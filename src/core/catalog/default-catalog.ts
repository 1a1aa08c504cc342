import type { ApprovalStepDef, Catalog, FieldDef, FieldOption, Localized, RoleId } from './types.js';

// The shipped catalog: the 13 request types of 营销支持工作管理措施 (/work/shared/policy.md,
// Chinese original in seeds/000), in the policy's order. Labels follow the original's terms
// (用户 = customer, 经营单位 = business unit); each precondition is the policy's 支持条件 and
// the fields are its 申请说明, item by item. An org config may override any of it.

const l = (zh: string, en: string): Localized => ({ 'zh-CN': zh, en });
const opt = (value: string, zh: string, en: string): FieldOption => ({ value, label: l(zh, en) });

const TEXT = 200;
const LONG = 2000;

// Fields shared by several types. Factories, so no two types share a mutable object.

function customer(required = true, help?: Localized): FieldDef {
  return {
    id: 'customer', kind: 'customer', label: l('用户', 'Customer'), required, maxLength: TEXT,
    help: help ?? l('用户单位名称', 'The customer organisation'),
  };
}

function subject(zh = '标题', en = 'Title'): FieldDef {
  return {
    id: 'subject', kind: 'text', label: l(zh, en), required: true, maxLength: TEXT,
    help: l('一句话概括，用于列表和卡片', 'One line, shown in lists and cards'),
  };
}

function expectedOutcome(): FieldDef {
  return {
    id: 'expectedOutcome', kind: 'longtext', label: l('期望目标', 'Expected outcome'), required: false, maxLength: LONG,
    help: l('希望通过此次支持达到的结果', 'What this support should achieve'),
  };
}

function place(zh: string, en: string): FieldDef {
  return { id: 'place', kind: 'text', label: l(zh, en), required: true, maxLength: TEXT };
}

function appointment(id: string, zh: string, en: string): FieldDef {
  return { id, kind: 'datetime', label: l(zh, en), required: true, scheduled: true };
}

/** 展现方法 (用户展现), reused for training, which the policy files under 用户展现. */
function deliveryMethod(label: Localized, noun: { zh: string; en: string }): FieldDef {
  return {
    id: 'method', kind: 'select', label, required: true,
    options: [
      opt('oneToOne', `一对一${noun.zh}`, `One-to-one ${noun.en}`),
      opt('group', `集体${noun.zh}`, `Group ${noun.en}`),
      opt('conference', `会议${noun.zh}`, `Conference ${noun.en}`),
      opt('other', '其他', 'Other'),
    ],
  };
}

/** One line of the market event's 费用预算; a line the event does not need stays empty. */
function budgetLine(id: string, zh: string, en: string): FieldDef {
  return {
    id, kind: 'money', label: l(zh, en), required: false, min: 0,
    help: l('无此项可留空', 'Leave empty if none'),
  };
}

// Approval steps (thresholds are keys of `thresholds` in the org config).

const buLeaderStep = (field: string, threshold: string): ApprovalStepDef => ({
  id: 'bu-leader', label: l('经营单位领导审批', 'BU leader approval'), mode: 'any', approvers: ['buLeader'],
  when: [{ field, op: 'gt', threshold }],
});
const companyLeaderStep = (field: string, threshold: string): ApprovalStepDef => ({
  id: 'company-leader', label: l('企业领导审批', 'Company leader approval'), mode: 'any', approvers: ['companyLeader'],
  when: [{ field, op: 'gt', threshold }],
});

const TECH_MONITORS: RoleId[] = ['presalesManager', 'monitor'];
const MARKET_MONITORS: RoleId[] = ['buLeader', 'monitor'];
const BUSINESS_MONITORS: RoleId[] = ['buLeader', 'marketManager', 'monitor'];

export const defaultCatalog: Catalog = [
  // ── Technical support (ch. 3) ─────────────────────────────────────────────
  {
    id: 'requirements-research',
    system: 'technical',
    label: l('需求调研', 'Requirements research'),
    purpose: l(
      '技术人员与用户具体沟通，了解用户业务应用或技术需求',
      'A technical specialist talks with the customer to understand their business or technical needs',
    ),
    precondition: l(
      '已经建立了用户关系，有明确的沟通对象和沟通安排',
      'A customer relationship is established, with a clear contact person and communication arrangement',
    ),
    fields: [
      customer(),
      subject('调研主题', 'Research topic'),
      {
        id: 'contacts', kind: 'longtext', label: l('沟通对象', 'Customer contacts'), required: true, maxLength: 1000,
        help: l('用户方参与沟通的人员：姓名、部门、职务', 'Who we talk with: name, department, title'),
      },
      { id: 'content', kind: 'longtext', label: l('沟通内容', 'Topics to discuss'), required: true, maxLength: LONG },
      {
        id: 'requirements', kind: 'longtext', label: l('沟通要求', 'Key requirements and cautions'), required: true, maxLength: LONG,
        help: l('此次沟通的关键要求或注意点', 'The key requirements or points to watch in this conversation'),
      },
      appointment('researchTime', '沟通时间', 'Research time'),
      place('沟通地点', 'Place'),
      {
        id: 'method', kind: 'select', label: l('沟通方法', 'Communication method'), required: true,
        options: [
          opt('onsite', '现场沟通', 'On site'),
          opt('phone', '电话沟通', 'Phone call'),
          opt('video', '视频会议', 'Video conference'),
          opt('other', '其他', 'Other'),
        ],
      },
      expectedOutcome(),
    ],
    coordinatorRole: 'presalesManager',
    supporterRole: 'presalesEngineer',
    approvals: [],
    deliverable: l('需求调研纪要', 'Research minutes: the customer needs found'),
    monitors: TECH_MONITORS,
    titleField: 'subject',
  },
  {
    id: 'solution-proposal',
    system: 'technical',
    label: l('方案提议书', 'Solution proposal'),
    purpose: l(
      '针对用户具体业务情况，编写方案提议书或产品提议书',
      'A solution or product proposal written for the customer\'s own business situation',
    ),
    precondition: l(
      '已完成用户需求调研，或已经了解用户需求',
      'Requirements research is done, or the customer\'s needs are otherwise understood',
    ),
    fields: [
      customer(),
      subject('方案名称', 'Proposal title'),
      {
        id: 'content', kind: 'longtext', label: l('方案内容', 'Proposal content'), required: true, maxLength: LONG,
        help: l('方案或产品提议书应覆盖的业务场景和范围', 'The business scenarios and scope the proposal must cover'),
      },
      {
        id: 'requirements', kind: 'longtext', label: l('方案要求', 'Key points'), required: true, maxLength: LONG,
        help: l('方案要体现的关键点或注意点', 'The key points the proposal must show, or points to watch'),
      },
      {
        id: 'dueDate', kind: 'date', label: l('提交时间', 'Due date'), required: true,
        help: l('需要向用户提交方案的日期', 'When the proposal must reach the customer'),
      },
      {
        id: 'format', kind: 'multiselect', label: l('格式要求', 'Format'), required: true,
        options: [opt('word', 'Word', 'Word'), opt('ppt', 'PPT', 'PPT')],
      },
      {
        id: 'form', kind: 'multiselect', label: l('形式要求', 'Delivery form'), required: true,
        options: [opt('electronic', '电子版', 'Electronic'), opt('paper', '纸质版', 'Paper')],
      },
      {
        id: 'recipient', kind: 'text', label: l('提交对象', 'Recipient'), required: true, maxLength: TEXT,
        help: l('方案提交给用户方的哪位人员或哪个部门', 'Who at the customer receives the proposal'),
      },
      expectedOutcome(),
    ],
    coordinatorRole: 'presalesManager',
    supporterRole: 'presalesEngineer',
    approvals: [],
    deliverable: l('方案提议书（或产品提议书）文档', 'The solution (or product) proposal document'),
    monitors: TECH_MONITORS,
    titleField: 'subject',
  },
  {
    id: 'system-test',
    system: 'technical',
    // 第四条 names the type 技术测试; 第三章 describes it as 系统测试.
    label: l('技术测试', 'Technical / system test'),
    purpose: l(
      '技术人员提供系统测试、用户软件优化测试等支持',
      'System tests, customer software optimisation tests and similar, run by test engineers',
    ),
    precondition: l(
      '有明确的测试环境和测试要求',
      'There is a clear test environment and there are clear test requirements',
    ),
    fields: [
      customer(),
      subject('测试名称', 'Test title'),
      {
        id: 'testKind', kind: 'select', label: l('测试类型', 'Test kind'), required: false,
        options: [
          opt('system', '系统测试', 'System test'),
          opt('optimisation', '用户软件优化测试', 'Software optimisation test'),
          opt('other', '其他', 'Other'),
        ],
      },
      { id: 'testContent', kind: 'longtext', label: l('测试内容', 'What to test'), required: true, maxLength: LONG },
      {
        id: 'environment', kind: 'longtext', label: l('测试环境要求', 'Test environment'), required: true, maxLength: LONG,
        help: l('软硬件环境、应用模式、网络环境', 'Hardware, software, application mode, network'),
      },
      appointment('testTime', '测试时间', 'Test time'),
      place('测试地点', 'Test place'),
      {
        id: 'feedbackBy', kind: 'date', label: l('结果反馈时间', 'Results due'), required: true,
        help: l('测试结果需要反馈的日期', 'When the test results must be reported'),
      },
      {
        id: 'feedbackFormat', kind: 'text', label: l('结果反馈格式', 'Results format'), required: true, maxLength: TEXT,
        help: l('例如：Word 测试报告、邮件', 'For example: a Word test report, an e-mail'),
      },
      {
        id: 'feedbackRequirements', kind: 'longtext', label: l('结果反馈具体要求', 'Results: detailed requirements'), required: true, maxLength: LONG,
        help: l('反馈需包含的指标、数据和结论', 'The measures, data and conclusions the results must include'),
      },
      expectedOutcome(),
    ],
    coordinatorRole: 'testManager',
    supporterRole: 'testEngineer',
    approvals: [],
    deliverable: l('测试报告', 'Test report'),
    monitors: ['testManager', 'monitor'],
    titleField: 'subject',
  },
  {
    id: 'customer-presentation',
    system: 'technical',
    label: l('用户展现', 'Customer presentation'),
    purpose: l(
      '技术人员向用户介绍企业的产品或方案',
      'A technical specialist presents the company\'s products or solutions to the customer',
    ),
    precondition: l(
      '用户需求明确，并已经确定具体展现内容和对象',
      'The customer\'s needs are clear, and the presentation content and audience are decided',
    ),
    fields: [
      customer(),
      subject('展现主题', 'Presentation title'),
      {
        id: 'audience', kind: 'longtext', label: l('展现对象', 'Audience'), required: true, maxLength: 1000,
        help: l('参加人员的部门、职务和人数', 'Departments, titles and number of attendees'),
      },
      {
        id: 'content', kind: 'longtext', label: l('展现内容', 'Content'), required: true, maxLength: LONG,
        help: l('要展现的产品或方案', 'The products or solutions to present'),
      },
      {
        id: 'requirements', kind: 'longtext', label: l('展现要求', 'Key points'), required: true, maxLength: LONG,
        help: l('此次展现的关键点或注意点', 'The key points of this presentation, or points to watch'),
      },
      appointment('presentationTime', '展现时间', 'Presentation time'),
      place('展现地点', 'Place'),
      deliveryMethod(l('展现方法', 'Presentation method'), { zh: '展现', en: 'presentation' }),
      expectedOutcome(),
    ],
    coordinatorRole: 'presalesManager',
    supporterRole: 'presalesEngineer',
    approvals: [],
    deliverable: l('展现材料及展现纪要', 'The presentation material and meeting notes'),
    monitors: TECH_MONITORS,
    titleField: 'subject',
  },
  {
    // The policy describes product technical training under 用户展现; the fields mirror it.
    id: 'customer-training',
    system: 'technical',
    label: l('用户培训', 'Customer training'),
    purpose: l(
      '技术人员为用户进行相关产品技术培训',
      'A technical specialist gives the customer product technical training',
    ),
    precondition: l(
      '用户需求明确，并已经确定具体培训内容和对象',
      'The customer\'s needs are clear, and the training content and trainees are decided',
    ),
    fields: [
      customer(),
      subject('培训主题', 'Training title'),
      {
        id: 'audience', kind: 'longtext', label: l('培训对象', 'Trainees'), required: true, maxLength: 1000,
        help: l('参训人员的部门、岗位和基础', 'Departments, roles and background of the trainees'),
      },
      {
        id: 'traineeCount', kind: 'number', label: l('参训人数', 'Number of trainees'), required: false, min: 1, max: 10000,
      },
      {
        id: 'content', kind: 'longtext', label: l('培训内容', 'Training content'), required: true, maxLength: LONG,
        help: l('培训涉及的产品和课程内容', 'The products and topics to cover'),
      },
      {
        id: 'requirements', kind: 'longtext', label: l('培训要求', 'Key points'), required: true, maxLength: LONG,
        help: l('此次培训的关键点或注意点', 'The key points of this training, or points to watch'),
      },
      appointment('trainingTime', '培训时间', 'Training time'),
      place('培训地点', 'Place'),
      deliveryMethod(l('培训方法', 'Training method'), { zh: '培训', en: 'training' }),
      expectedOutcome(),
    ],
    coordinatorRole: 'presalesManager',
    supporterRole: 'presalesEngineer',
    approvals: [],
    deliverable: l('培训材料及培训记录', 'The training material and a training record'),
    monitors: TECH_MONITORS,
    titleField: 'subject',
  },
  {
    id: 'project-bid',
    system: 'technical',
    label: l('项目投标', 'Project bid'),
    purpose: l('项目标书制作和述标', 'The bid document and the bid presentation (述标)'),
    precondition: l(
      '已经拿到了招标书，或用户有明确的采购需求',
      'The tender document is in hand, or the customer has a clear purchase need',
    ),
    fields: [
      customer(),
      subject('项目名称', 'Project name'),
      {
        id: 'tenderLink', kind: 'link', label: l('招标书链接', 'Tender document link'), required: false,
        help: l('已拿到招标书时填写', 'When the tender document is in hand'),
      },
      {
        id: 'bidRequirements', kind: 'longtext', label: l('标书制作要求', 'Bid document requirements'), required: true, maxLength: LONG,
        help: l('依据机会特点和招标书，标书需要体现的关键点', 'Key points the bid must show, given the opportunity and the tender'),
      },
      appointment('submissionTime', '标书提交时间', 'Bid submission time'),
      {
        id: 'presentationRequirements', kind: 'longtext', label: l('述标要求', 'Bid presentation key points'), required: true, maxLength: LONG,
        help: l('依据用户需求、竞争对手和评委等，需要把握的关键点', 'Key points given the customer\'s needs, competitors and judges'),
      },
      appointment('presentationTime', '述标时间', 'Bid presentation time'),
      {
        id: 'presentationPlace', kind: 'text', label: l('述标地点', 'Bid presentation place'), required: true, maxLength: TEXT,
      },
      {
        id: 'judges', kind: 'longtext', label: l('评委', 'Judges'), required: true, maxLength: LONG,
        help: l('评委组成及关注点', 'Who the judges are and what they care about'),
      },
    ],
    coordinatorRole: 'presalesManager',
    supporterRole: 'presalesEngineer',
    approvals: [],
    deliverable: l('标书（技术部分）及述标', 'The bid document (technical part) and the bid presentation'),
    monitors: TECH_MONITORS,
    titleField: 'subject',
  },

  // ── Market support (ch. 2 sales tools, ch. 4) ─────────────────────────────
  {
    // Ch. 2 lists the catalogue but no 支持条件 or 申请说明: the precondition restates Art. 3's
    // definition and the fields are what an e-mail request for collateral needs.
    id: 'sales-collateral',
    system: 'market',
    label: l('销售工具', 'Sales tools / collateral'),
    purpose: l(
      '提供企业、产品或方案层面的通用销售资料',
      'General sales material at company, product or solution level',
    ),
    precondition: l(
      '所需资料属于通用销售工具（企业、产品或方案资料）',
      'The material needed is general sales collateral (company, product or solution material)',
    ),
    fields: [
      customer(false, l('资料用于哪家用户（如有）', 'The customer the material is for, if any')),
      subject('标题', 'Title'),
      {
        id: 'items', kind: 'multiselect', label: l('所需资料', 'Material needed'), required: true,
        options: [
          opt('companyBrochure', '企业资料：企业宣传手册（印刷版）', 'Company: brochure (print)'),
          opt('companyIntroWord', '企业资料：企业介绍（Word）', 'Company: introduction (Word)'),
          opt('companyIntroPpt', '企业资料：企业介绍（PPT）', 'Company: introduction (PPT)'),
          opt('promoDisc', '企业资料：宣传光盘', 'Company: promotional disc'),
          opt('toteBag', '企业资料：手提袋', 'Company: tote bags'),
          opt('productIntroPrint', '产品资料：产品介绍（印刷版）', 'Product: introduction (print)'),
          opt('productIntroWord', '产品资料：产品介绍（Word）', 'Product: introduction (Word)'),
          opt('productIntroPpt', '产品资料：产品介绍（PPT）', 'Product: introduction (PPT)'),
          opt('productWhitePaper', '产品资料：产品技术白皮书（Word）', 'Product: technical white paper (Word)'),
          opt('productCaseWord', '产品资料：成功案例（Word）', 'Product: success cases (Word)'),
          opt('productCasePrint', '产品资料：成功案例（印刷版）', 'Product: success cases (print)'),
          opt('productPlaybook', '产品资料：教战手册（Word）', 'Product: sales playbook (Word)'),
          opt('solutionWhitePaper', '方案资料：方案白皮书（Word）', 'Solution: white paper (Word)'),
          opt('solutionPlaybook', '方案资料：方案教战手册（Word）', 'Solution: sales playbook (Word)'),
          opt('solutionCaseWord', '方案资料：方案成功案例（Word）', 'Solution: success cases (Word)'),
          opt('solutionCasePrint', '方案资料：方案成功案例（印刷版）', 'Solution: success cases (print)'),
          opt('other', '其他（请在说明中注明）', 'Other (say which in the notes)'),
        ],
      },
      {
        id: 'productOrSolution', kind: 'text', label: l('涉及产品或方案', 'Product or solution'), required: false, maxLength: TEXT,
        help: l('产品资料或方案资料请注明具体产品或方案', 'For product or solution material: which one'),
      },
      {
        id: 'quantity', kind: 'number', label: l('数量', 'Quantity'), required: false, min: 1, max: 100000,
        help: l('印刷品、光盘、手提袋等实物的份数', 'Copies of printed items, discs, bags'),
      },
      { id: 'neededBy', kind: 'date', label: l('需要时间', 'Needed by'), required: true },
      {
        id: 'notes', kind: 'longtext', label: l('说明', 'Notes'), required: false, maxLength: LONG,
        help: l('用途、收件人和地址等', 'Use, recipient, delivery address and so on'),
      },
    ],
    coordinatorRole: 'buMarketer',
    supporterRole: 'productManager',
    approvals: [],
    deliverable: l('所需的销售工具资料（电子文件或实物）', 'The collateral requested (files or printed copies)'),
    monitors: MARKET_MONITORS,
    titleField: 'subject',
  },
  {
    id: 'market-event',
    system: 'market',
    label: l('市场活动', 'Market event'),
    purpose: l(
      '在区域内开展用户公关活动：应用研讨会、案例汇报会、技术交流会、用户培训会等',
      'A regional customer event: application seminar, case session, technical exchange, customer training',
    ),
    precondition: l(
      '有明确的用户对象和采购需求，对用户应用需求有一定了解',
      'There are clear target customers with purchase needs, and their application needs are partly understood',
    ),
    fields: [
      customer(false, l('主要目标用户（如有）；多家用户请在“具体用户说明”中列出', 'The main customer, if any; list all in "Named customers"')),
      { id: 'eventName', kind: 'text', label: l('活动名称', 'Event name'), required: true, maxLength: TEXT },
      appointment('eventTime', '活动时间', 'Event time'),
      place('活动地点', 'Place'),
      {
        id: 'goal', kind: 'multiselect', label: l('活动目标', 'Event goal'), required: true,
        options: [
          opt('productPromotion', '产品方案推介', 'Product / solution promotion'),
          opt('customerPr', '用户公关', 'Customer relations'),
          opt('projectPr', '项目公关', 'Project relations'),
          opt('other', '其他', 'Other'),
        ],
      },
      {
        id: 'customerCount', kind: 'number', label: l('目标受众：用户数量', 'Audience: number of customers'), required: true, min: 1, max: 100000,
        help: l('邀请的用户单位数', 'How many customer organisations are invited'),
      },
      {
        id: 'expectedAttendees', kind: 'number', label: l('目标受众：预期人数', 'Audience: expected attendees'), required: true, min: 1, max: 100000,
      },
      {
        id: 'invitedDepartments', kind: 'text', label: l('目标受众：邀请部门', 'Audience: departments invited'), required: true, maxLength: 500,
        help: l('用户方邀请哪些部门', 'Which departments of the customers are invited'),
      },
      {
        id: 'invitationCriteria', kind: 'longtext', label: l('目标受众：邀请标准', 'Audience: invitation criteria'), required: true, maxLength: 1000,
      },
      {
        id: 'targetCustomers', kind: 'longtext', label: l('目标受众：具体用户说明', 'Audience: named customers'), required: true, maxLength: LONG,
        help: l('具体邀请的用户及说明', 'The customers to invite, with notes'),
      },
      {
        id: 'format', kind: 'select', label: l('活动形式', 'Event format'), required: true,
        options: [
          opt('seminar', '应用研讨会', 'Application seminar'),
          opt('caseSession', '案例汇报会', 'Case presentation session'),
          opt('techExchange', '技术交流会', 'Technical exchange'),
          opt('training', '用户培训会', 'Customer training session'),
          opt('other', '其他', 'Other'),
        ],
      },
      {
        id: 'agenda', kind: 'longtext', label: l('活动内容', 'Agenda'), required: true, maxLength: LONG,
        help: l('每项一行：内容描述、目标、责任人', 'One item a line: description, goal, owner'),
      },
      {
        id: 'resources', kind: 'longtext', label: l('资源需求', 'Resources needed'), required: true, maxLength: LONG,
        help: l('人员、资料、设备、礼品、展具等', 'People, materials, equipment, gifts, booth'),
      },
      budgetLine('budgetVenue', '预算：场地', 'Budget: venue'),
      budgetLine('budgetMeals', '预算：用餐', 'Budget: meals'),
      budgetLine('budgetLodging', '预算：住宿', 'Budget: lodging'),
      budgetLine('budgetTransport', '预算：交通', 'Budget: transport'),
      budgetLine('budgetBooth', '预算：展具', 'Budget: booth'),
      budgetLine('budgetGifts', '预算：礼品', 'Budget: gifts'),
      budgetLine('budgetMedia', '预算：媒体', 'Budget: media'),
      budgetLine('budgetMisc', '预算：杂费', 'Budget: miscellaneous'),
      {
        id: 'budgetTotal', kind: 'money', label: l('预算合计', 'Budget total'), required: true, min: 0,
        help: l('以上各项之和；审批按此金额', 'The sum of the lines above; approval follows this amount'),
      },
    ],
    coordinatorRole: 'buMarketer',
    supporterRole: 'buMarketer',
    approvals: [
      { id: 'market-manager', label: l('活动方案及预算审批', 'Event plan and budget approval'), mode: 'any', approvers: ['marketManager'] },
      buLeaderStep('budgetTotal', 'event.buLeaderBudget'),
      companyLeaderStep('budgetTotal', 'event.companyLeaderBudget'),
    ],
    deliverable: l('活动执行及活动总结', 'The event, run, and its summary'),
    monitors: MARKET_MONITORS,
    followUp: 'event-summary',
    titleField: 'eventName',
  },
  {
    id: 'customer-visit',
    system: 'market',
    label: l('用户参观', 'Customer visit'),
    purpose: l(
      '安排用户参观企业总部或成功案例',
      'A customer visits the company headquarters or a reference site',
    ),
    precondition: l(
      '有明确的用户对象和目标，已经落实了参观对象（用户方参观）',
      'The customer and goal are clear, and the place to visit is confirmed (for a reference site, the host agreed)',
    ),
    fields: [
      customer(),
      subject('标题', 'Title'),
      {
        id: 'visitKind', kind: 'select', label: l('参观类型', 'Visit to'), required: true,
        options: [opt('headquarters', '企业总部参观', 'Company headquarters'), opt('referenceSite', '成功案例参观', 'Reference customer site')],
      },
      {
        id: 'visitors', kind: 'longtext', label: l('来访人员', 'Visitors'), required: false, maxLength: 1000,
        help: l('用户方来访人员的姓名、职务和人数', 'Names, titles and number of the customer\'s visitors'),
      },
      { id: 'goal', kind: 'longtext', label: l('参观目标', 'Visit goal'), required: true, maxLength: LONG },
      { id: 'content', kind: 'longtext', label: l('参观内容', 'Visit programme'), required: true, maxLength: LONG },
      appointment('visitTime', '参观时间', 'Visit time'),
      place('参观地点', 'Place'),
      {
        id: 'supportStaff', kind: 'longtext', label: l('支持人员', 'Support staff'), required: true, maxLength: 1000,
        help: l('需要哪些人员接待、讲解或陪同', 'Who should host, present or accompany'),
      },
      {
        id: 'budget', kind: 'money', label: l('费用预算', 'Budget'), required: true, min: 0,
      },
    ],
    coordinatorRole: 'buMarketer',
    supporterRole: 'buMarketer',
    approvals: [],
    deliverable: l('参观安排落实及参观纪要', 'The visit arranged and hosted, with visit notes'),
    monitors: MARKET_MONITORS,
    titleField: 'subject',
  },
  {
    id: 'executive-visit',
    system: 'market',
    label: l('高层造访', 'Executive visit'),
    purpose: l(
      '申请事业部总经理、企业总经理等级别领导造访用户',
      'A BU general manager or the company\'s general manager visits the customer',
    ),
    precondition: l(
      '已经建立了用户关系，有明确的用户造访对象和目标',
      'A customer relationship is established, with clear people to visit and a clear goal',
    ),
    fields: [
      customer(),
      subject('标题', 'Title'),
      {
        id: 'customerContacts', kind: 'longtext', label: l('用户造访对象', 'People to visit'), required: true, maxLength: 1000,
        help: l('用户方受访人员的姓名、职务', 'Names and titles of the customer\'s people to meet'),
      },
      {
        id: 'executives', kind: 'multiselect', label: l('造访领导', 'Executives'), required: true,
        options: [opt('buGm', '事业部总经理', 'BU general manager'), opt('companyGm', '企业总经理', 'Company general manager')],
      },
      { id: 'goal', kind: 'longtext', label: l('造访目标', 'Visit goal'), required: true, maxLength: LONG },
      { id: 'content', kind: 'longtext', label: l('造访内容', 'Visit programme'), required: true, maxLength: LONG },
      appointment('visitTime', '造访时间', 'Visit time'),
      place('造访地点', 'Place'),
    ],
    coordinatorRole: 'buMarketer',
    supporterRole: 'buLeader',
    approvals: [
      { id: 'bu-leader', label: l('经营单位领导确认', 'BU leader commits the time'), mode: 'any', approvers: ['buLeader'] },
    ],
    deliverable: l('造访安排落实及造访纪要', 'The visit arranged, with visit notes'),
    monitors: MARKET_MONITORS,
    titleField: 'subject',
  },
  {
    id: 'corporate-gift',
    system: 'market',
    label: l('企业礼品', 'Corporate gift'),
    purpose: l(
      '企业统一制作或临时采购的礼品，用于造访用户',
      'Company-made or specially bought gifts for customer visits',
    ),
    precondition: l('有明确的用户对象和目标', 'The customer and the goal are clear'),
    fields: [
      customer(),
      subject('标题', 'Title'),
      {
        id: 'purpose', kind: 'longtext', label: l('礼品用途', 'Gift purpose'), required: true, maxLength: 1000,
        help: l('用于哪次造访或活动', 'Which visit or occasion the gifts are for'),
      },
      {
        id: 'giftSource', kind: 'select', label: l('礼品来源', 'Gift source'), required: true,
        options: [opt('companyMade', '企业统一制作', 'Company-made gift'), opt('purchase', '临时采购', 'Bought for the occasion')],
      },
      {
        id: 'giftDetails', kind: 'longtext', label: l('礼品信息', 'Gift details'), required: true, maxLength: LONG,
        help: l('礼品名称、规格、单价', 'Name, specification, unit price'),
      },
      {
        id: 'customerList', kind: 'longtext', label: l('用户名单', 'Customer list'), required: true, maxLength: LONG,
        help: l('收礼用户及人员名单', 'The customers and people receiving gifts'),
      },
      { id: 'quantity', kind: 'number', label: l('数量', 'Quantity'), required: true, min: 1, max: 100000 },
      {
        id: 'giftValue', kind: 'money', label: l('礼品总价值', 'Total gift value'), required: true, min: 0,
        help: l('全部礼品的合计金额；审批按此金额', 'The total for all gifts; approval follows this amount'),
      },
    ],
    coordinatorRole: 'buMarketer',
    supporterRole: 'administration',
    approvals: [
      buLeaderStep('giftValue', 'gift.buLeaderValue'),
      companyLeaderStep('giftValue', 'gift.companyLeaderValue'),
    ],
    deliverable: l('礼品发放', 'The gifts, handed over'),
    monitors: MARKET_MONITORS,
    titleField: 'subject',
  },

  // ── Business support (ch. 5) ──────────────────────────────────────────────
  {
    id: 'price-request',
    system: 'business',
    label: l('价格申请', 'Price request'),
    purpose: l(
      '针对项目申请特价（也可包含在协议评审或方案提议书中）',
      'A special price for a project (may also ride inside a contract review or proposal)',
    ),
    precondition: l('已经确定了产品、方案或系统', 'The product, solution or system is decided'),
    fields: [
      customer(),
      subject('项目名称', 'Project name'),
      {
        id: 'tenderInfo', kind: 'longtext', label: l('招投标信息', 'Tender information'), required: true, maxLength: LONG,
        help: l('招标项目、招标时间、竞争对手及报价等', 'Tender, dates, competitors and their prices'),
      },
      {
        id: 'product', kind: 'longtext', label: l('申请价格的产品或方案', 'Product or solution'), required: true, maxLength: LONG,
        help: l('产品或方案名称、配置和数量', 'Name, configuration and quantity'),
      },
      { id: 'listPrice', kind: 'money', label: l('标准价格', 'List price'), required: true, min: 0 },
      { id: 'requestedPrice', kind: 'money', label: l('申请价格', 'Requested price'), required: true, min: 0 },
      {
        id: 'discountPct', kind: 'number', label: l('降价幅度（%）', 'Discount (%)'), required: true, min: 0, max: 100,
        help: l('（标准价格 − 申请价格）÷ 标准价格 × 100，审批按此值', '(list − requested) ÷ list × 100; approval follows this value'),
      },
      { id: 'reason', kind: 'longtext', label: l('申请特价原因', 'Reason for the special price'), required: true, maxLength: LONG },
    ],
    coordinatorRole: 'buMarketer',
    supporterRole: 'businessAssistant',
    approvals: [
      { id: 'market-manager', label: l('市场部经理审批', 'Market manager approval'), mode: 'any', approvers: ['marketManager'] },
      buLeaderStep('discountPct', 'price.buLeaderDiscountPct'),
      companyLeaderStep('discountPct', 'price.companyLeaderDiscountPct'),
    ],
    deliverable: l('价格批复', 'The approved price'),
    monitors: BUSINESS_MONITORS,
    titleField: 'subject',
  },
  {
    id: 'contract-review',
    system: 'business',
    label: l('协议评审', 'Contract review'),
    purpose: l(
      '用户销售协议和代理合作协议的评审',
      'Review of a customer sales contract or an agency / partner agreement',
    ),
    precondition: l('协议基于合同样本（标准合同模板）', 'The contract is based on the standard contract template'),
    fields: [
      customer(),
      subject('协议名称', 'Contract title'),
      { id: 'contractLink', kind: 'link', label: l('协议链接', 'Contract link'), required: true },
      {
        id: 'contractKind', kind: 'select', label: l('协议类型', 'Contract kind'), required: true,
        options: [opt('sales', '用户销售协议', 'Customer sales contract'), opt('agency', '代理合作协议', 'Agency / partner agreement')],
      },
      {
        id: 'standardTemplate', kind: 'select', label: l('是否符合合同样本', 'Matches the standard template'), required: true,
        options: [
          opt('yes', '是，无偏离', 'Yes, no deviations'),
          opt('no', '否，有偏离（特殊协议）', 'No, it deviates (special contract)'),
        ],
      },
      {
        id: 'deviations', kind: 'longtext', label: l('偏离说明', 'Deviations'), required: false, maxLength: LONG,
        help: l('与合同样本不一致的条款', 'Clauses that differ from the template'),
      },
      {
        id: 'amount', kind: 'money', label: l('协议金额', 'Contract amount'), required: false, min: 0,
        help: l('代理合作协议无金额可留空', 'Leave empty for an agreement without an amount'),
      },
      { id: 'requiredBy', kind: 'date', label: l('要求完成时间', 'Review needed by'), required: true },
    ],
    coordinatorRole: 'buMarketer',
    supporterRole: 'businessAssistant',
    approvals: [
      {
        id: 'review',
        label: l('协议评审：法务、技术、商务', 'Review: legal, technical, commercial'),
        mode: 'all',
        approvers: ['legal', 'presalesManager', 'marketManager'],
        onDisagree: { role: 'marketManager', label: l('评审会', 'Review meeting') },
      },
    ],
    deliverable: l('协议评审意见及评审通过的协议', 'The review opinions and the approved contract'),
    monitors: BUSINESS_MONITORS,
    titleField: 'subject',
  },
];
