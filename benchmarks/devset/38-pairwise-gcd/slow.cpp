#include <bits/stdc++.h>
using namespace std;

int g(int a, int b) {
    while (a != b) {
        if (a > b) a -= b;
        else b -= a;
    }
    return a;
}

int main() {
    int n;
    cin >> n;
    vector<int> a(n);
    for (auto &x : a) cin >> x;
    long long sum = 0;
    int coprime = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            int d = g(a[i], a[j]);
            sum += d;
            if (d == 1) coprime++;
        }
    cout << sum << " " << coprime << endl;
}
