#include <bits/stdc++.h>
using namespace std;

int main() {
    int q;
    cin >> q;
    while (q--) {
        long long a, b, m;
        cin >> a >> b >> m;
        long long r = 1 % m;
        for (long long i = 0; i < b; i++) r = r * (a % m) % m;
        cout << r << "\n";
    }
    return 0;
}
