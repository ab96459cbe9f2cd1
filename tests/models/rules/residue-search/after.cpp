#include <bits/stdc++.h>
using namespace std;
typedef long long ll;
#define FOR(i, a, b) for (ll i = a; i < b; i++)

int main() {
    ll a, b, c;
    cin >> a >> b >> c;
    FOR(i, 1, (std::llabs((long long)(b)) < (long long)(1e8) - (1) ? (1) + std::llabs((long long)(b)) : (1e8))) {
        ll now = i * a;
        if (now % b == c) {
            cout << "YES " << i << "\n";
            return 0;
        }
    }
    for (int k = 0; k < (std::llabs((long long)(b)) < (long long)(100000000) - (0) ? (0) + std::llabs((long long)(b)) : (100000000)); k++) {
        if (c == (a * k) % b) {
            cout << "first " << k << "\n";
            break;
        }
    }
    cout << "NO" << "\n";
}
