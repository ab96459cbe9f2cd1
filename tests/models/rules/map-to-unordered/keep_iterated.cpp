#include <iostream>
#include <map>
using namespace std;

int main() {
    map<int, int> m;
    m[3] = 1;
    m[1] = 2;
    for (auto& [k, v] : m) cout << k << " " << v << "\n";
}
