#include <bits/stdc++.h>
using namespace std;

int main() {
    int n;
    cin >> n;
    vector<int> a(n);
    for (auto &x : a) cin >> x;
    long long sum = 0;
    int coprime = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            int d = std::gcd(a[i], a[j]);
            sum += d;
            coprime += d == 1;
        }
    cout << sum << " " << coprime << endl;
}
