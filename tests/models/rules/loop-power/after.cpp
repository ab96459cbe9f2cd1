#include <bits/stdc++.h>
using namespace std;

const long long MOD = 1e9 + 7;

int main() {
    int q;
    cin >> q;
    while (q--) {
        long long a, e;
        cin >> a >> e;
        long long r = 1;
        {  // r times a to the power n, by squaring
            long long pie_n_1 = (long long)(e);
            if (pie_n_1 > 0) {
                long long pie_b_1 = (a) % (MOD), pie_p_1 = 1 % (MOD);
                while (pie_n_1 > 0) {
                    if (pie_n_1 & 1) pie_p_1 = pie_p_1 * pie_b_1 % (MOD);
                    pie_b_1 = pie_b_1 * pie_b_1 % (MOD);
                    pie_n_1 >>= 1;
                }
                r = r % (MOD) * pie_p_1 % (MOD);
            }
        }
        cout << r << "\n";
    }
}
