#include <bits/stdc++.h>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<string> w(n);
    for (auto &x : w) cin >> x;
    string res;
    for (int i = n - 1; i >= 0; i--) {
        res += w[i];
        if (i) res += ' ';
    }
    cout << res << '\n';
}
