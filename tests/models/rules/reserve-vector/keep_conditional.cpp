#include <iostream>
#include <vector>
using namespace std;

int main() {
    vector<int> odd;
    for (int i = 0; i < 10; i++)
        if (i % 2) odd.push_back(i);
    cout << odd.size() << "\n";
}
