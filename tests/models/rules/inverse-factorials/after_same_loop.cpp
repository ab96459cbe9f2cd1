#include <iostream>
using namespace std;

#define MOD 1000000007
long long f[100005], finv[100005];

long long modpow(long long base, long long exp = MOD - 2) {
    if (exp < 0) return 0;
    long long result = 1;
    for (; exp; exp >>= 1) {
        if (exp % 2 == 1) result = result * base % MOD;
        base = base * base % MOD;
    }
    return result;
}

int main() {
    int n;
    cin >> n;
    f[0] = 1, finv[0] = 1;
    for (int k = 1; k < n; ++k) {
        f[k] = k * f[k - 1] % MOD;
    }
    {  // inverse factorials: one power, then finv[i - 1] = finv[i] * i
        long long pie_last_1 = (long long)(n) - 1;
        if (pie_last_1 >= 1) {
            finv[pie_last_1] = modpow(f[pie_last_1]);
            for (long long pie_i_1 = pie_last_1; pie_i_1 > 1; --pie_i_1)
                finv[pie_i_1 - 1] = (long long)finv[pie_i_1] * pie_i_1 % (MOD);
        }
    }
    long long total = 0;
    for (int k = 0; k < n; k++) total = (total + finv[k] * k) % MOD;
    cout << total << endl;
}
