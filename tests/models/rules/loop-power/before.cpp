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
        for (long long i = 0; i < e; i++) {
            r = r * a % MOD;
        }
        cout << r << "\n";
    }
}
