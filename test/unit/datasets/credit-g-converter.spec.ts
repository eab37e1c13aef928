import { ConversionError, convertArff, convertCreditG, convertCsv } from '../../../datasets/credit-g-converter';
import { readFeatureCsvTable } from '../../../src/model/csv';
import { FEATURE_NAMES } from '../../../src/model/features';
import { describeWithShared, sharedPath } from '../../support/shared';

/** The first three applicants of OpenML credit-g (data set 31), as they appear in its ARFF file. */
const ARFF = `% German credit (OpenML 31), abridged header
@relation german_credit
@attribute checking_status {'<0','0<=X<200','>=200','no checking'}
@attribute duration numeric
@attribute credit_history {'no credits/all paid','all paid','existing paid','delayed previously','critical/other existing credit'}
@attribute purpose {'new car','used car',furniture/equipment,radio/tv,'domestic appliance',repairs,education,vacation,retraining,business,other}
@attribute credit_amount numeric
@attribute savings_status {'<100','100<=X<500','500<=X<1000','>=1000','no known savings'}
@attribute employment {unemployed,'<1','1<=X<4','4<=X<7','>=7'}
@attribute installment_commitment numeric
@attribute personal_status {'male div/sep','female div/dep/mar','male single','male mar/wid','female single'}
@attribute other_parties {none,'co applicant',guarantor}
@attribute residence_since numeric
@attribute property_magnitude {'real estate','life insurance',car,'no known property'}
@attribute age numeric
@attribute other_payment_plans {bank,stores,none}
@attribute housing {rent,own,'for free'}
@attribute existing_credits numeric
@attribute job {'unemp/unskilled non res','unskilled resident',skilled,'high qualif/self emp/mgmt'}
@attribute num_dependents numeric
@attribute own_telephone {none,yes}
@attribute foreign_worker {yes,no}
@attribute class {good,bad}
@data
'<0',6,'critical/other existing credit',radio/tv,1169,'no known savings','>=7',4,'male single',none,4,'real estate',67,none,own,2,skilled,1,yes,yes,good
'0<=X<200',48,'existing paid',radio/tv,5951,'<100','1<=X<4',2,'female div/dep/mar',none,2,'real estate',22,none,own,1,skilled,1,none,yes,bad
'no checking',12,'critical/other existing credit',education,2096,'<100','4<=X<7',2,'male single',none,3,'real estate',49,none,own,1,'unskilled resident',2,none,yes,good
`;

/** The same rows as a CSV export (double-quoted where needed, no inner single quotes). */
const CSV = `checking_status,duration,credit_history,purpose,credit_amount,savings_status,employment,installment_commitment,personal_status,other_parties,residence_since,property_magnitude,age,other_payment_plans,housing,existing_credits,job,num_dependents,own_telephone,foreign_worker,class
<0,6,critical/other existing credit,radio/tv,1169,no known savings,>=7,4,male single,none,4,real estate,67,none,own,2,skilled,1,yes,yes,good
0<=X<200,48,existing paid,radio/tv,5951,<100,1<=X<4,2,female div/dep/mar,none,2,real estate,22,none,own,1,skilled,1,none,yes,bad
"no checking",12,"critical/other existing credit",education,2096,"<100","4<=X<7",2,"male single",none,3,"real estate",49,none,own,1,"unskilled resident",2,none,yes,good
`;

/** Hand-computed from the mapping in shared/datasets/README.md (and equal to credit-g-monitoring.csv rows 1–3). */
const EXPECTED = [
  {
    customerId: 'openml-credit-0001',
    age: 67,
    annualIncome: 46836,
    debtToIncome: 0.05,
    creditUtilization: 0.715,
    numOpenAccounts: 3,
    delinquencyCount: 3,
    loanAmount: 1169,
    employmentYears: 8,
    actualDefault: false,
  },
  {
    customerId: 'openml-credit-0002',
    age: 22,
    annualIncome: 93734,
    debtToIncome: 0.3809,
    creditUtilization: 0.685,
    numOpenAccounts: 2,
    delinquencyCount: 0,
    loanAmount: 5951,
    employmentYears: 2.5,
    actualDefault: true,
  },
  {
    customerId: 'openml-credit-0003',
    age: 49,
    annualIncome: 50234,
    debtToIncome: 0.0626,
    creditUtilization: 0.63,
    numOpenAccounts: 2,
    delinquencyCount: 3,
    loanAmount: 2096,
    employmentYears: 5.5,
    actualDefault: false,
  },
];

describe('credit-g converter', () => {
  it('converts hand-written ARFF rows', () => {
    expect(convertArff(ARFF)).toEqual(EXPECTED);
    expect(convertCreditG(ARFF)).toEqual(EXPECTED);
  });

  it('converts the same rows from a CSV export', () => {
    expect(convertCsv(CSV)).toEqual(EXPECTED);
    expect(convertCreditG(CSV)).toEqual(EXPECTED);
  });

  it('applies the income floor and the DTI ceiling', () => {
    const row =
      CSV.split('\n')[0] +
      '\n' +
      '<0,72,all paid,radio/tv,250,<100,unemployed,4,male single,none,4,car,19,none,own,1,skilled,1,yes,yes,bad\n';
    const [converted] = convertCsv(row);
    expect(converted.annualIncome).toBe(18000); // 250*14 + 19*210 + 1800 = 9290 < 18000
    expect(converted.debtToIncome).toBe(0.125); // 250*72/18000/8
    expect(converted.delinquencyCount).toBe(1);
    expect(converted.employmentYears).toBe(0);
  });

  it('names the line and attribute of an unknown category or a missing value', () => {
    const badCategory = ARFF.replace("'0<=X<200',48", "'0<=X<9999',48");
    expect(() => convertArff(badCategory)).toThrow(ConversionError);
    expect(() => convertArff(badCategory)).toThrow(/^line 26, attribute "checking_status": unknown category "0<=X<9999"/);
    expect(() => convertCsv(CSV.replace('1169', '?'))).toThrow(/^line 2, attribute "credit_amount": missing value/);
    expect(() => convertCsv('a,b\n1,2\n')).toThrow(/missing attribute "checking_status"/);
  });
});

describeWithShared('credit-g converter against ../shared/datasets/credit-g-monitoring.csv', () => {
  /**
   * The raw credit-g file is not shipped, so raw attributes are reconstructed from each monitoring
   * row (age, credit amount, existing credits, employment band and credit history map back
   * directly; a checking/savings pair with the same utilization and a duration reproducing the DTI
   * are searched for). Converting them must give back every feature of every row.
   */
  const CHECKING: Record<string, number> = { '<0': 0.85, '0<=X<200': 0.55, '>=200': 0.25, 'no checking': 0.45 };
  const SAVINGS: Record<string, number> = {
    '<100': 0.85,
    '100<=X<500': 0.65,
    '500<=X<1000': 0.45,
    '>=1000': 0.25,
    'no known savings': 0.55,
  };
  const HISTORY = ['existing paid', 'all paid', 'delayed previously', 'critical/other existing credit'];
  const EMPLOYMENT: Record<string, string> = { '0': 'unemployed', '0.5': '<1', '2.5': '1<=X<4', '5.5': '4<=X<7', '8': '>=7' };

  it('reproduces all eight features and the label of all 1,000 rows', async () => {
    const table = await readFeatureCsvTable(sharedPath('datasets', 'credit-g-monitoring.csv'), { requireLabels: true });
    const c = table.columns;
    const lines = ['checking_status,duration,credit_history,credit_amount,savings_status,employment,age,existing_credits,class'];
    for (let i = 0; i < table.customerIds.length; i++) {
      const [checking, savings] = Object.keys(CHECKING)
        .flatMap((ck) => Object.keys(SAVINGS).map((sv) => [ck, sv]))
        .find(([ck, sv]) => Number((CHECKING[ck] * 0.55 + SAVINGS[sv] * 0.45).toFixed(4)) === c.creditUtilization[i]) as string[];
      const dti = c.debtToIncome[i];
      const duration = dti <= 0.05 ? 1 : dti >= 0.95 ? 1000 : Math.round((dti * 8 * c.annualIncome[i]) / c.loanAmount[i]);
      const label = table.actualDefault?.[i] ? 'bad' : 'good';
      lines.push(
        `"${checking}",${duration},"${HISTORY[c.delinquencyCount[i]]}",${c.loanAmount[i]},"${savings}","${EMPLOYMENT[String(c.employmentYears[i])]}",${c.age[i]},${c.numOpenAccounts[i] - 1},${label}`,
      );
    }
    const converted = convertCsv(lines.join('\n'));
    expect(converted).toHaveLength(1000);
    converted.forEach((row, i) => {
      expect(row.customerId).toBe(table.customerIds[i]);
      for (const name of FEATURE_NAMES) {
        if (Math.abs(row[name] - c[name][i]) > 1e-9)
          throw new Error(`row ${i + 1} ${name}: converted ${row[name]}, monitoring CSV ${c[name][i]}`);
      }
      expect(row.actualDefault).toBe(table.actualDefault?.[i] === 1);
    });
  });
});
